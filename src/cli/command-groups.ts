/**
 * The command groups and the top-level words each registers (layer: cli), so one invocation
 * loads and builds only the commands it runs: `verso log` imports the read commands, not all
 * twelve modules and their specs. A line whose command word is not known here (no word,
 * `--help`, an unknown command, an option before the word) builds the whole tree
 * (`program.ts`), so help, suggestions and refusals read as before. The every-command test
 * checks that these words are the ones each group registers.
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { rootCommand } from './program-root.js';

type Register = (program: Command, ctx: CliContext) => void;

export interface CommandGroup {
  /** The top-level command names (and aliases) the group registers. */
  readonly words: readonly string[];
  readonly load: () => Promise<Register>;
}

/** In the order `program.ts` registers them (`import` is shared by write and format). */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    words: ['init', 'verify', 'gc', 'recover'],
    load: async () =>
      (await import('./commands/repository-commands.js')).registerRepositoryCommands,
  },
  {
    words: ['import', 'apply'],
    load: async () => (await import('./commands/write-commands.js')).registerWriteCommands,
  },
  {
    words: ['import', 'export', 'split'],
    load: async () => (await import('./commands/format-commands.js')).registerFormatCommands,
  },
  {
    words: ['branch', 'tag', 'reflog'],
    load: async () => (await import('./commands/ref-commands.js')).registerRefCommands,
  },
  {
    words: ['log', 'show', 'diff', 'cat', 'tracks'],
    load: async () => (await import('./commands/read-commands.js')).registerReadCommands,
  },
  {
    words: ['count', 'index'],
    load: async () => (await import('./commands/query-commands.js')).registerQueryCommands,
  },
  {
    words: ['schema', 'migrate'],
    load: async () => (await import('./commands/schema-commands.js')).registerSchemaCommands,
  },
  {
    words: ['merge'],
    load: async () => (await import('./commands/merge-commands.js')).registerMergeCommands,
  },
  {
    words: ['add', 'asset'],
    load: async () => (await import('./commands/asset-commands.js')).registerAssetCommands,
  },
  {
    words: ['run', 'slice', 'model', 'predict', 'lineage', 'explain', 'select', 'suspects'],
    load: async () => (await import('./commands/lineage-commands.js')).registerLineageCommands,
  },
  {
    words: ['blame'],
    load: async () => (await import('./commands/blame-commands.js')).registerBlameCommands,
  },
  {
    words: ['serve'],
    load: async () => (await import('./commands/serve-commands.js')).registerServeCommands,
  },
  {
    words: ['token', 'audit', 'branch'],
    load: async () => (await import('./commands/access-commands.js')).registerAccessCommands,
  },
  {
    words: ['remote', 'clone', 'fetch', 'pull', 'push'],
    load: async () => (await import('./commands/remote-commands.js')).registerRemoteCommands,
  },
  {
    words: ['consensus', 'agreement'],
    load: async () => (await import('./commands/annotator-commands.js')).registerAnnotatorCommands,
  },
  {
    words: ['completion', 'help'],
    load: async () => (await import('./commands/help-commands.js')).registerHelpCommands,
  },
];

/**
 * The top-level command word of `argv` when it can be found without parsing: the first
 * operand, after any `--repo DIR` / `--repo=DIR`. Undefined when another option or `--` comes
 * first, or there is no word.
 */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--repo') i++;
    else if (word.startsWith('--repo=')) continue;
    else if (word.startsWith('-')) return undefined;
    else return word;
  }
  return undefined;
}

/** The groups that register `word`, in registration order; empty when no group does. */
export function groupsFor(word: string | undefined): readonly CommandGroup[] {
  return word === undefined ? [] : COMMAND_GROUPS.filter((g) => g.words.includes(word));
}

/**
 * The command tree `argv` runs in: the root with the groups of its command word and the help
 * group (it sets the root's help behaviour), else the whole tree (`buildProgram`). `help` and
 * `completion` walk the whole tree, so they get it; `--version` first needs only the root.
 */
export async function buildProgramFor(ctx: CliContext, argv: readonly string[]): Promise<Command> {
  // A line that starts with `--version` asks for it whatever follows (`main.ts`): no commands.
  if (argv[0] === '--version' || argv[0] === '-V') return rootCommand();
  const groups = groupsFor(commandWord(argv));
  const help = COMMAND_GROUPS[COMMAND_GROUPS.length - 1]!;
  if (groups.length === 0 || groups.includes(help))
    return (await import('./program.js')).buildProgram(ctx);
  const program = rootCommand();
  for (const group of [...groups, help]) (await group.load())(program, ctx);
  return program;
}
