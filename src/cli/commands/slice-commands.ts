/**
 * `verso slice show|export|branch S` (layer: cli, issue 17): a slice's record and images, its
 * data at its own commit in any export format, and a labeling branch from it (`api/lineage/
 * slices.ts`). `slice save` is in `lineage-commands.ts`.
 */
import { defineCommand, type CommandInput } from '../command-table.js';
import { checkExportImages, exportTargetOptions } from './export-target.js';

export const sliceShowCommand = defineCommand({
  name: 'show <slice>',
  description:
    'a slice (id, id prefix or name): its commit, filter or selection, and a selection’s images hardest first',
  repository: true,
  async run(repo, { args }: CommandInput<object>) {
    const { showSlice, sliceJson } = await import('../../api/lineage/index.js');
    return sliceJson(await showSlice(repo, args[0] as string));
  },
  render: (s) => [
    `slice ${s.id} ${s.name}`,
    `commit    ${s.commit}`,
    s.selection
      ? `selection ${s.selection.strategy} from prediction set ${s.selection.prediction_set} ${JSON.stringify(s.selection.params)}`
      : `labels    ${s.example_count}${s.filter !== null ? ` where ${s.filter}` : ''}${s.schema !== null ? ` as schema ${s.schema}` : ''}`,
    ...(s.images ?? []).map(
      (i, n) =>
        `${n + 1}. ${i.image}\t${i.difficulty.toPrecision(6)}\t${i.category}\t(prediction ${i.prediction})`,
    ),
  ],
});

interface SliceExportFlags {
  format: string;
  out: string;
  withImages?: boolean;
  json?: boolean;
}

export const sliceExportCommand = defineCommand({
  name: 'export <slice>',
  description:
    "write a slice's labels at the slice's own commit in another format (a selection: every label of its images)",
  spec: (cmd) => exportTargetOptions(cmd).option('--with-images', 'also write the image files'),
  check: ({ opts }: CommandInput<SliceExportFlags>) => checkExportImages(opts),
  repository: true,
  async run(repo, { args, opts }: CommandInput<SliceExportFlags>) {
    const { exportSlice } = await import('../../api/lineage/index.js');
    return exportSlice(repo, {
      slice: args[0] as string,
      format: opts.format,
      out: opts.out,
      ...(opts.withImages ? { withImages: true } : {}),
    });
  },
  render: (r) => [
    `exported ${r.images === undefined ? '' : `${r.images} images, `}${r.labels} labels of slice ${r.slice.slice(0, 12)} (commit ${r.commit.slice(0, 12)}) to ${r.out}`,
  ],
});

export const sliceBranchCommand = defineCommand({
  name: 'branch <slice>',
  description: "start a labeling branch at a slice's commit",
  spec: (cmd) => cmd.requiredOption('--name <branch>', 'the new branch'),
  repository: true,
  async run(repo, { args, opts }: CommandInput<{ name: string }>) {
    const { branchSlice, sliceBranchJson } = await import('../../api/lineage/index.js');
    return sliceBranchJson(await branchSlice(repo, args[0] as string, opts.name));
  },
  render: (r) => [
    `branch ${r.branch} at ${r.commit.slice(0, 12)}, the commit of slice ${r.slice.slice(0, 12)}`,
  ],
});
