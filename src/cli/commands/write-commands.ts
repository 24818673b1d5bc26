/**
 * `verso import labels` and `verso apply` (layer: cli).
 */
import type { Command } from 'commander';
import { withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';
import { endProgress, progressBar } from '../progress-bar.js';
import {
  commitLine,
  counts,
  geometryLines,
  policyOf,
  policyOptions,
  removedLines,
  replaceAllOption,
  type PolicyFlags,
} from './write-report.js';

export function registerWriteCommands(program: Command): void {
  const imp = program.command('import').description('import data into a branch (one commit)');
  const labels = imp
    .command('labels <file>')
    .description(
      'import a native JSONL label file: the images it names get exactly its labels (see docs/formats.md)',
    )
    .option('--branch <name>', 'branch to commit to', 'main')
    .option('-m, --message <msg>', 'commit message')
    .option(
      '--upsert',
      "put the file's labels on top of the branch's: other labels of its images and reviews it does not give stay",
    );
  replaceAllOption(labels);
  policyOptions(labels)
    .option('--json', 'machine-readable output')
    .action(
      async (
        file: string,
        opts: PolicyFlags & {
          branch: string;
          message?: string;
          upsert?: boolean;
          replaceAll?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        if (opts.upsert && opts.replaceAll)
          cmd.error('error: --upsert and --replace-all cannot be used together', {
            exitCode: 2,
          });
        return withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { importLabels } = await import('../../api/ingest/index.js');
          const bar = progressBar();
          const r = await importLabels(repo, {
            file,
            branch: opts.branch,
            ...(opts.message ? { message: opts.message } : {}),
            mode: opts.upsert ? 'upsert' : opts.replaceAll ? 'replace_all' : 'per_image',
            policy: policyOf(opts),
            ...(bar ? { onProgress: bar } : {}),
          });
          endProgress(bar);
          if (opts.json) return printJson(r);
          return printLines([
            commitLine(
              opts.branch,
              r,
              `imported ${r.lines} labels: labels ${counts(r.labels)}, reviews ${counts(r.reviews)}`,
            ),
            ...removedLines(r.mode, r.removed),
            ...geometryLines(r.geometry),
          ]);
        });
      },
    );

  const apply = program
    .command('apply <file>')
    .description('apply a JSONL batch of put/patch/delete ops to a branch as one commit')
    .requiredOption('--branch <name>', 'branch to commit to')
    .option('-m, --message <msg>', 'commit message');
  policyOptions(apply)
    .option('--json', 'machine-readable output')
    .action(
      async (
        file: string,
        opts: PolicyFlags & { branch: string; message?: string; json?: boolean },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { applyEdits } = await import('../../api/write/index.js');
          const r = await applyEdits(repo, {
            file,
            branch: opts.branch,
            ...(opts.message ? { message: opts.message } : {}),
            policy: policyOf(opts),
          });
          if (opts.json) return printJson(r);
          return printLines([
            commitLine(
              opts.branch,
              r,
              `applied ${r.ops} ops: labels ${counts(r.labels)}, reviews ${counts(r.reviews)}`,
            ),
            ...geometryLines(r.geometry),
          ]);
        }),
    );
}
