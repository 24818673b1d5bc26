/**
 * `verso help [COMMAND...]` and `verso completion bash|zsh|fish` (layer: cli).
 *
 * `help` walks the command tree word by word (`verso help import coco` prints the help of
 * `import coco`); a word that names no command is a usage error (exit 2) with the close
 * names. It replaces commander's own help command, which looks one level deep only.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { closeNames, didYouMean } from '../../core/close-names.js';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../completion.js';
import { printLines } from '../output.js';
import { UsageError } from '../usage-error.js';

export function registerHelpCommands(program: Command, ctx: CliContext): void {
  program
    .command('completion <shell>')
    .description(
      `print a shell completion script (${COMPLETION_SHELLS.join(', ')}): eval "$(verso completion bash)"`,
    )
    .action(async (shell: string) => {
      if (!(COMPLETION_SHELLS as readonly string[]).includes(shell))
        throw new UsageError(
          `unknown shell '${shell}': expected one of ${COMPLETION_SHELLS.join(', ')}`,
        );
      return printLines(ctx, [completionScript(program, shell as CompletionShell)]);
    });

  program.helpCommand(false);
  program
    .command('help [command...]')
    .description('show the help of a command: verso help import coco')
    .action((words: string[]) => {
      findCommand(program, words).outputHelp();
    });
}

function findCommand(program: Command, words: readonly string[]): Command {
  let cmd = program;
  for (const [i, word] of words.entries()) {
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) {
      const path = ['verso', ...words.slice(0, i + 1)].join(' ');
      const hint = didYouMean(
        closeNames(
          word,
          cmd.commands.map((c) => c.name()),
        ),
      );
      throw new UsageError(`unknown command '${path}'${hint ? `; ${hint}` : ''}`);
    }
    cmd = sub;
  }
  return cmd;
}
