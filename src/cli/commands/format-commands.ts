/**
 * `verso import coco`, `verso export`, `verso split set|show` (layer: cli), as command-table
 * entries. `split show --list` streams records (JSON Lines).
 *
 * Format importers are subcommands of the `import` group (created by `write-commands.ts`;
 * `importGroup` finds it, so register this module after that one).
 */
import type { Command } from 'commander';
import type { ExportResult } from '../../api/interchange/index.js';
import { defineCommand, Records, registerCommand, type CommandInput } from '../command-table.js';
import type { CliContext } from '../context.js';
import { explainCommand, explanationText, type Explanation } from './query-commands.js';
import { checkExportImages, exportTargetOptions } from './export-target.js';
import { checkAnnotatorOptions, registerFormatImports } from './format-import-commands.js';
import {
  commitLine,
  counts,
  geometryLines,
  removedLines,
  importerOptions,
  importerTarget,
  type PolicyFlags,
} from './write-report.js';

/** The `verso import` command group. */
export function importGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('import data into a branch (one commit)')
  );
}

type CocoFlags = PolicyFlags & {
  branch: string;
  message?: string;
  split?: string;
  images?: string;
  replaceAll?: boolean;
  annotator?: string;
  annotators?: boolean;
};

export const importCocoCommand = defineCommand({
  name: 'coco <file>',
  description:
    'import a COCO instances JSON file: its images get exactly its annotations (see docs/formats.md, "COCO")',
  spec: (cmd) =>
    importerOptions(cmd, (c) =>
      c
        .option('--split <name>', 'put every image of the file in this split (train, val, ...)')
        .option(
          '--images <dir>',
          'folder of the image files named by file_name: checked and stored as blobs',
        )
        .option(
          '--annotator <name>',
          "the file is this annotator's labeling: stored beside the other annotators' (objects and annotations), the labels are not touched",
        )
        .option(
          '--annotators',
          "each annotation is its own annotator's labeling (its `annotator`)",
        ),
    ),
  check: ({ opts }: CommandInput<CocoFlags>) => checkAnnotatorOptions(opts),
  repository: true,
  progress: true,
  async run(repo, { args, opts }: CommandInput<CocoFlags>, rc) {
    const { importCoco } = await import('../../api/interchange/index.js');
    return importCoco(repo, {
      file: args[0] as string,
      ...importerTarget(opts),
      ...(opts.annotator !== undefined
        ? { labelingOwner: { annotator: opts.annotator } }
        : opts.annotators
          ? { labelingOwner: { fromLabels: true as const } }
          : {}),
      ...(opts.split !== undefined ? { split: opts.split } : {}),
      ...(opts.images !== undefined ? { images: opts.images } : {}),
      ...(rc.progress ? { onProgress: rc.progress } : {}),
    });
  },
  render: (r, { opts }) => [
    commitLine(
      opts.branch,
      r,
      r.labelings
        ? `imported ${r.images} images, ${r.annotations} annotations as annotators ${r.labelings.annotators.join(', ')}: objects ${counts(r.labelings.objects)}, annotations ${counts(r.labelings.annotations)}, assets ${counts(r.assets)}`
        : `imported ${r.images} images, ${r.annotations} annotations, ${r.categories} categories: labels ${counts(r.labels)}, reviews ${counts(r.reviews)}, assets ${counts(r.assets)}${r.blobs ? `; blobs ${r.blobs.new} new, ${r.blobs.deduplicated} already stored` : ''}`,
    ),
    ...removedLines(r.mode, r.removed),
    ...geometryLines(r.geometry),
  ],
});

type ExportFlags = {
  format: string;
  out: string;
  schema?: string;
  where?: string;
  explain?: boolean;
  withImages?: boolean;
};

export const exportCommand = defineCommand({
  name: 'export <ref>',
  description:
    'write the labels of a commit in another format (coco, jsonl, yolo, yolo-seg, voc, mot, cvat); coco and yolo write videos frame by frame, mot and cvat as tracks',
  spec: (cmd) =>
    exportTargetOptions(cmd)
      .option('--schema <version>', 'read the labels as this schema version (auto ops applied)')
      .option('--where <expr>', 'only labels matching this filter expression (and their images)')
      .option('--explain', 'print how the filter would be answered (index or scan), write nothing')
      .option(
        '--with-images',
        'also write the image files (hard links to the blob store when possible, else copies)',
      ),
  check: ({ opts }: CommandInput<ExportFlags>) => checkExportImages(opts),
  repository: true,
  async run(repo, { args, opts }: CommandInput<ExportFlags>): Promise<Explanation | ExportResult> {
    const ref = args[0] as string;
    if (opts.explain && opts.where !== undefined)
      return explainCommand(repo, ref, opts.where, opts.schema);
    const { exportSnapshot } = await import('../../api/interchange/index.js');
    return exportSnapshot(repo, {
      ref,
      format: opts.format,
      out: opts.out,
      ...(opts.schema !== undefined ? { schema: opts.schema } : {}),
      ...(opts.where !== undefined ? { where: opts.where } : {}),
      ...(opts.withImages ? { withImages: true } : {}),
    });
  },
  render: (data, { opts }) => {
    if (opts.explain && opts.where !== undefined)
      return explanationText(data as Explanation, false);
    const r = data as ExportResult;
    const images = r.images === undefined ? '' : `${r.images} images, `;
    const as = r.schema === undefined ? '' : ` as schema ${r.schema}`;
    const files = r.image_files;
    const what =
      r.tracks === undefined
        ? `${images}${r.labels} labels`
        : `${r.tracks} tracks (${r.labels} shapes)`;
    return [
      `exported ${what} of ${r.commit.slice(0, 12)}${as} to ${r.out}`,
      ...(r.fields_left_out
        ? [`not written (${opts.format} has no place for them): ${r.fields_left_out.join(', ')}`]
        : []),
      ...(r.skipped
        ? [
            `${r.skipped} labels (or video frame shapes) left out: ${opts.format} cannot draw them, or their class is not in the category list`,
          ]
        : []),
      ...(files ? [`image files: ${files.linked} linked, ${files.copied} copied`] : []),
    ];
  },
});

export const splitSetCommand = defineCommand({
  name: 'set <images...>',
  description: 'move images to a split (one commit)',
  spec: (cmd) =>
    cmd
      .requiredOption('--to <name>', 'split name (train, val, test, ...)')
      .option('--branch <name>', 'branch to commit to', 'main')
      .option('-m, --message <msg>', 'commit message'),
  repository: true,
  async run(repo, { args, opts }: CommandInput<{ to: string; branch: string; message?: string }>) {
    const { setSplits } = await import('../../api/write/index.js');
    return setSplits(repo, {
      branch: opts.branch,
      images: args[0] as string[],
      split: opts.to,
      ...(opts.message ? { message: opts.message } : {}),
    });
  },
  render: (r, { opts }) => [commitLine(opts.branch, r, `split '${opts.to}': ${counts(r.splits)}`)],
});

type SplitRow = { readonly image: string; readonly split: string };

export const splitShowCommand = defineCommand({
  name: 'show <ref>',
  description: 'images per split; --list prints every image with its split',
  spec: (cmd) => cmd.option('--list', 'one line per image: IMAGE<TAB>SPLIT'),
  repository: true,
  async run(
    repo,
    { args, opts }: CommandInput<{ list?: boolean }>,
  ): Promise<Records<SplitRow> | { counts: Record<string, number> }> {
    const { scanSplits, showSplits } = await import('../../api/write/index.js');
    const ref = args[0] as string;
    if (opts.list) return new Records(scanSplits(repo, ref));
    return showSplits(repo, ref);
  },
  render: (data) =>
    data instanceof Records
      ? data.map((s) => `${s.image}\t${s.split}`)
      : Object.entries(data.counts).map(([name, n]) => `${name}\t${n}`),
});

export function registerFormatCommands(program: Command, ctx: CliContext): void {
  registerFormatImports(importGroup(program), ctx);
  registerCommand(importGroup(program), ctx, importCocoCommand);
  registerCommand(program, ctx, exportCommand);
  const split = program.command('split').description("read or change images' splits");
  registerCommand(split, ctx, splitSetCommand);
  registerCommand(split, ctx, splitShowCommand);
}
