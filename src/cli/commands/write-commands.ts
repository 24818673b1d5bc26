/**
 * `verso import labels` and `verso apply` (layer: cli).
 */
import type { Command } from 'commander';
import type { ChangeCounts } from '../../dataset/change-counts.js';
import { withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';
import { endProgress, progressBar } from '../progress-bar.js';

const counts = (c: ChangeCounts) => `+${c.added} -${c.removed} ~${c.modified}`;

export function registerWriteCommands(program: Command): void {
  const imp = program.command('import').description('import data into a branch (one commit)');
  imp
    .command('labels <file>')
    .description('import a native JSONL label file (see docs/formats.md)')
    .option('--branch <name>', 'branch to commit to', 'main')
    .option('-m, --message <msg>', 'commit message')
    .option(
      '--upsert',
      "put the file's labels on top of the branch instead of replacing its labels",
    )
    .option('--json', 'machine-readable output')
    .action(
      async (
        file: string,
        opts: { branch: string; message?: string; upsert?: boolean; json?: boolean },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { importLabels } = await import('../../api/import-labels.js');
          const bar = progressBar();
          const r = await importLabels(repo, {
            file,
            branch: opts.branch,
            ...(opts.message ? { message: opts.message } : {}),
            mode: opts.upsert ? 'upsert' : 'replace',
            ...(bar ? { onProgress: bar } : {}),
          });
          endProgress(bar);
          if (opts.json) return printJson(r);
          return printLines([
            `[${opts.branch} ${r.commit.slice(0, 12)}] imported ${r.lines} labels: labels ${counts(r.labels)}, reviews ${counts(r.reviews)}`,
          ]);
        }),
    );

  program
    .command('apply <file>')
    .description('apply a JSONL batch of put/delete ops to a branch as one commit')
    .requiredOption('--branch <name>', 'branch to commit to')
    .option('-m, --message <msg>', 'commit message')
    .option('--json', 'machine-readable output')
    .action(
      async (
        file: string,
        opts: { branch: string; message?: string; json?: boolean },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { applyEdits } = await import('../../api/apply-edits.js');
          const r = await applyEdits(repo, {
            file,
            branch: opts.branch,
            ...(opts.message ? { message: opts.message } : {}),
          });
          if (opts.json) return printJson(r);
          return printLines([
            `[${opts.branch} ${r.commit.slice(0, 12)}] applied ${r.ops} ops: labels ${counts(r.labels)}, reviews ${counts(r.reviews)}`,
          ]);
        }),
    );
}
