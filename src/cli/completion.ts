/**
 * Shell completion scripts generated from the command tree (layer: cli): `verso completion
 * bash|zsh|fish` prints a script whose tables (subcommands, options, options that take a value,
 * per command path) are read from the commander program at run time, so a new command or
 * option is completed without touching this file.
 *
 * The scripts find the command path from the words typed so far (skipping options and the
 * values of options that take one), then offer: options when the word starts with `-`, else
 * the subcommands of the path, else file names (for FILE/DIR arguments and option values).
 * zsh runs the bash function through `bashcompinit`, so the two shells share one logic.
 */
import type { Command, Option } from 'commander';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

interface CommandEntry {
  /** Space-separated names from the root ('' = the root). */
  readonly path: string;
  readonly subcommands: readonly { readonly name: string; readonly description: string }[];
  readonly options: readonly string[];
  readonly valueOptions: readonly string[];
}

/** Every command of the tree with what can follow it; options include inherited globals. */
export function commandTable(program: Command): CommandEntry[] {
  const globals = optionFlags(program.options);
  const out: CommandEntry[] = [];
  const walk = (cmd: Command, path: string[]) => {
    const own = optionFlags(cmd.options);
    out.push({
      path: path.join(' '),
      subcommands: cmd.commands.map((c) => ({ name: c.name(), description: c.description() })),
      options: unique([...own.all, ...globals.all, '--help']),
      valueOptions: unique([...own.value, ...globals.value]),
    });
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return out;
}

export function completionScript(program: Command, shell: CompletionShell): string {
  const table = commandTable(program);
  if (shell === 'fish') return fishScript(table);
  const bash = bashScript(table);
  if (shell === 'bash') return bash;
  return [
    '#compdef verso',
    '# verso completion for zsh: add `eval "$(verso completion zsh)"` to ~/.zshrc',
    'autoload -U +X bashcompinit && bashcompinit',
    bash,
  ].join('\n');
}

function optionFlags(options: readonly Option[]): { all: string[]; value: string[] } {
  const all: string[] = [];
  const value: string[] = [];
  for (const o of options) {
    const flags = [o.long, o.short].filter((f): f is string => f !== undefined);
    all.push(...flags);
    if (o.required || o.optional) value.push(...flags);
  }
  return { all, value };
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** A bash `case` over command paths, each arm echoing its words. */
function bashCase(
  fn: string,
  table: readonly CommandEntry[],
  words: (e: CommandEntry) => readonly string[],
): string {
  const arms = table.map(
    (e) => `    ${quoteBash(e.path)}) echo ${quoteBash(words(e).join(' '))} ;;`,
  );
  return [`${fn}() {`, '  case "$1" in', ...arms, '  esac', '}'].join('\n');
}

function bashScript(table: readonly CommandEntry[]): string {
  return `# verso completion for bash: add \`eval "$(verso completion bash)"\` to ~/.bashrc
${bashCase('_verso_subcommands', table, (e) => e.subcommands.map((s) => s.name))}
${bashCase('_verso_options', table, (e) => e.options)}
${bashCase('_verso_value_options', table, (e) => e.valueOptions)}
_verso_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" path="" w i skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; prev="$w"; continue; fi
    case "$w" in
      -*) case " $(_verso_value_options "$path") " in *" $w "*) skip=1 ;; esac ;;
      *) case " $(_verso_subcommands "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac ;;
    esac
    prev="$w"
  done
  if ((skip)); then
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_verso_options "$path")" -- "$cur"))
  else
    local subs
    subs="$(_verso_subcommands "$path")"
    if [[ -n "$subs" ]]; then
      COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    else
      COMPREPLY=($(compgen -f -- "$cur"))
    fi
  fi
}
complete -o default -F _verso_complete verso
`;
}

function fishScript(table: readonly CommandEntry[]): string {
  const fishCase = (fn: string, words: (e: CommandEntry) => readonly string[]) =>
    [
      `function ${fn}`,
      '    switch "$argv[1]"',
      ...table.flatMap((e) => [
        `        case ${quoteFish(e.path)}`,
        ...(words(e).length
          ? [`            printf '%s\\n' ${words(e).map(quoteFish).join(' ')}`]
          : []),
      ]),
      '    end',
      'end',
    ].join('\n');
  return `# verso completion for fish: \`verso completion fish > ~/.config/fish/completions/verso.fish\`
${fishCase('__verso_subcommands', (e) => e.subcommands.map((s) => `${s.name}\t${firstLine(s.description)}`))}
${fishCase('__verso_options', (e) => e.options)}
${fishCase('__verso_value_options', (e) => e.valueOptions)}
function __verso_state
    set -l words (commandline -opc)
    set -e words[1]
    set -l path
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        if string match -q -- '-*' $w
            if contains -- $w (__verso_value_options "$path")
                set skip 1
            end
        else if contains -- $w (__verso_subcommands "$path" | string split -f1 \\t)
            set path (string trim -- "$path $w")
        end
    end
    echo "$skip $path"
end
function __verso_complete
    set -l state (__verso_state)
    set -l path (string sub -s 3 -- "$state")
    set -l cur (commandline -ct)
    if test (string sub -l 1 -- "$state") = 1
        __fish_complete_path $cur
    else if string match -q -- '-*' $cur
        __verso_options "$path"
    else
        set -l subs (__verso_subcommands "$path")
        if test (count $subs) -gt 0
            printf '%s\\n' $subs
        else
            __fish_complete_path $cur
        end
    end
end
complete -c verso -f -a '(__verso_complete)'
`;
}

const firstLine = (s: string): string => s.split('\n')[0]!.replace(/\s+/g, ' ').trim();
const quoteBash = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const quoteFish = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
