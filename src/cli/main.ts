/**
 * The `verso` command line (layer: cli): parses arguments, dispatches to command modules,
 * and is the only place that sets the exit code (0 ok, 1 error, 2 usage).
 * API modules are imported lazily inside each command, keeping cold start small.
 */
import { Command, CommanderError } from 'commander';
import { isVersoError } from '../core/errors.js';
import { registerMergeCommands } from './commands/merge-commands.js';
import { registerAssetCommands } from './commands/asset-commands.js';
import { registerReadCommands } from './commands/read-commands.js';
import { registerRefCommands } from './commands/ref-commands.js';
import { registerRepositoryCommands } from './commands/repository-commands.js';
import { registerSchemaCommands } from './commands/schema-commands.js';
import { registerWriteCommands } from './commands/write-commands.js';
import { registerFormatCommands } from './commands/format-commands.js';
import { registerQueryCommands } from './commands/query-commands.js';
import { registerLineageCommands } from './commands/lineage-commands.js';
import { registerBlameCommands } from './commands/blame-commands.js';
import { EXIT_CODE_BY_CATEGORY, EXIT_ERROR, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

function buildProgram(): Command {
  const program = new Command('verso')
    .description('Label-first version control for computer-vision datasets')
    .option(
      '--repo <dir>',
      'repository folder (default: $VERSO_REPO, else the current folder or a parent)',
    )
    .exitOverride()
    .showHelpAfterError();
  registerRepositoryCommands(program);
  registerWriteCommands(program);
  registerFormatCommands(program);
  registerRefCommands(program);
  registerReadCommands(program);
  registerQueryCommands(program);
  registerSchemaCommands(program);
  registerMergeCommands(program);
  registerAssetCommands(program);
  registerLineageCommands(program);
  registerBlameCommands(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ||
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version'
        ? EXIT_OK
        : EXIT_USAGE;
    }
    if (isVersoError(e)) {
      process.stderr.write(`verso: error: ${e.message}\n`);
      return EXIT_CODE_BY_CATEGORY[e.category];
    }
    process.stderr.write(`verso: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT_ERROR;
  }
}

// A reader that stops early (`verso cat main | head`) closes the pipe: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT_OK);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
