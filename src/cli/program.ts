/**
 * The `verso` command tree (layer: cli): every command, registered by its module. No side
 * effects: `main.ts` runs it; `completion` and the every-command test walk it, so a new command
 * is completed and tested without being listed anywhere else.
 */
import type { Command } from 'commander';
import { rootCommand } from './program-root.js';
import type { CliContext } from './context.js';
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
import { registerHelpCommands } from './commands/help-commands.js';
import { registerServeCommands } from './commands/serve-commands.js';
import { registerAccessCommands } from './commands/access-commands.js';
import { registerRemoteCommands } from './commands/remote-commands.js';
import { registerAnnotatorCommands } from './commands/annotator-commands.js';

export function buildProgram(ctx: CliContext): Command {
  const program = rootCommand();
  registerRepositoryCommands(program, ctx);
  registerWriteCommands(program, ctx);
  registerFormatCommands(program, ctx);
  registerRefCommands(program, ctx);
  registerReadCommands(program, ctx);
  registerQueryCommands(program, ctx);
  registerSchemaCommands(program, ctx);
  registerMergeCommands(program, ctx);
  registerAssetCommands(program, ctx);
  registerLineageCommands(program, ctx);
  registerBlameCommands(program, ctx);
  registerServeCommands(program, ctx);
  registerAccessCommands(program, ctx);
  registerRemoteCommands(program, ctx);
  registerAnnotatorCommands(program, ctx);
  registerHelpCommands(program, ctx);
  return program;
}
