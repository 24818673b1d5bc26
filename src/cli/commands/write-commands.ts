/**
 * `verso import labels` and `verso apply` (layer: cli), as command-table entries.
 */
import type { Command } from 'commander';
import type { ImportAnnotatorLabelsResult, ImportLabelsResult } from '../../api/ingest/index.js';
import type { ApplyEditsResult } from '../../api/write/index.js';
import { defineCommand, registerCommand } from '../command-table.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../usage-error.js';
import {
  commitLine,
  counts,
  geometryLines,
  policyOf,
  policyOptions,
  removedLines,
  importerOptions,
  importerTarget,
  type PolicyFlags,
} from './write-report.js';

type ImportFlags = PolicyFlags & {
  branch: string;
  message?: string;
  upsert?: boolean;
  replaceAll?: boolean;
  annotator?: string;
};

export const importLabelsCommand = defineCommand<
  ImportFlags,
  ImportLabelsResult | ImportAnnotatorLabelsResult
>({
  name: 'labels <file>',
  description:
    'import a native JSONL label file: the images it names get exactly its labels (see docs/formats.md)',
  spec: (cmd) =>
    importerOptions(cmd, (c) =>
      c
        .option(
          '--upsert',
          "put the file's labels on top of the branch's: other labels of its images and reviews it does not give stay",
        )
        .option(
          '--annotator <name>',
          "the file is this annotator's labeling: stored beside the other annotators' (objects and annotations), the labels are not touched",
        ),
    ),
  check: ({ opts }) => {
    if (opts.upsert && opts.replaceAll)
      throw new UsageError('--upsert and --replace-all cannot be used together');
    if (opts.annotator !== undefined && (opts.upsert || opts.replaceAll))
      throw new UsageError(
        "--annotator replaces that annotator's labeling of the file's images; it takes neither --upsert nor --replace-all",
      );
  },
  repository: true,
  progress: true,
  async run(repo, { args, opts }, rc) {
    const { importLabels, importAnnotatorLabels } = await import('../../api/ingest/index.js');
    if (opts.annotator !== undefined)
      return importAnnotatorLabels(repo, {
        file: args[0] as string,
        branch: opts.branch,
        annotator: opts.annotator,
        policy: policyOf(opts),
        ...(opts.message ? { message: opts.message } : {}),
      });
    return importLabels(repo, {
      file: args[0] as string,
      ...importerTarget(opts),
      mode: opts.upsert ? 'upsert' : opts.replaceAll ? 'replace_all' : 'per_image',
      ...(rc.progress ? { onProgress: rc.progress } : {}),
    });
  },
  render: (r, { opts }) =>
    'annotator' in r
      ? [
          commitLine(
            opts.branch,
            r,
            `imported ${r.lines} labels of annotator '${r.annotator}' on ${r.images} images: objects ${counts(r.changes.objects)}, annotations ${counts(r.changes.annotations)}`,
          ),
          ...geometryLines(r.geometry),
        ]
      : [
          commitLine(
            opts.branch,
            r,
            `imported ${r.lines} labels: labels ${counts(r.labels)}, reviews ${counts(r.reviews)}`,
          ),
          ...removedLines(r.mode, r.removed),
          ...geometryLines(r.geometry),
        ],
});

export const applyCommand = defineCommand<
  PolicyFlags & { branch: string; message?: string; expectedHead?: string },
  ApplyEditsResult
>({
  name: 'apply <file>',
  description:
    'apply a JSONL batch of put/patch/delete ops to a branch as one commit (rebased onto a moved head when none of its labels changed there)',
  spec: (cmd) =>
    policyOptions(
      cmd
        .requiredOption('--branch <name>', 'branch to commit to')
        .option('-m, --message <msg>', 'commit message')
        .option(
          '--expected-head <commit>',
          'apply only if the branch is at this commit (refused, never rebased, if it moved)',
        ),
    ),
  repository: true,
  async run(repo, { args, opts }) {
    const { applyEdits } = await import('../../api/write/index.js');
    return applyEdits(repo, {
      file: args[0] as string,
      branch: opts.branch,
      ...(opts.message ? { message: opts.message } : {}),
      ...(opts.expectedHead !== undefined ? { expectedHead: opts.expectedHead } : {}),
      policy: policyOf(opts),
    });
  },
  render: (r, { opts }) => [
    commitLine(
      opts.branch,
      r,
      `applied ${r.ops} ops: labels ${counts(r.labels)}, reviews ${counts(r.reviews)}`,
    ),
    ...(r.rebases > 0
      ? [`rebased onto the branch's new head (${r.rebases}x): other writers committed meanwhile`]
      : []),
    ...geometryLines(r.geometry),
  ],
});

export function registerWriteCommands(program: Command, ctx: CliContext): void {
  const imp = program.command('import').description('import data into a branch (one commit)');
  registerCommand(imp, ctx, importLabelsCommand);
  registerCommand(program, ctx, applyCommand);
}
