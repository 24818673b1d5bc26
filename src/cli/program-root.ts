/**
 * The root `verso` command (layer: cli): its description, its own option (`--repo`) and the
 * settings its subcommands inherit; the commands are registered on it by `program.ts` (the
 * whole tree) or `command-groups.ts` (the groups one invocation needs).
 */
import { Command } from 'commander';
import { versoVersion } from './version.js';

/** The `verso` command with its own options and settings, and no subcommands yet. */
export function rootCommand(): Command {
  // `--version` is not a commander option: options of the root are global (they may follow a
  // subcommand), and `model register --version V` has its own. `main.ts` answers it first.
  return (
    new Command('verso')
      .description(
        `Label-first version control for computer-vision datasets (verso ${versoVersion()}; verso --version prints it)`,
      )
      .option(
        '--repo <dir>',
        'repository folder (default: $VERSO_REPO, else the current folder or a parent)',
      )
      // Subcommands copy these when they are created (commander's inherited settings).
      .exitOverride()
      .showHelpAfterError()
  );
}
