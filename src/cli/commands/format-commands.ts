/**
 * `verso import coco`, `verso export`, `verso split set|show` (layer: cli).
 *
 * Format importers are subcommands of the `import` group (created by `write-commands.ts`;
 * `importGroup` finds it, so register this module after that one).
 */
import type { Command } from 'commander';
import { withRepository } from '../context.js';
import { printExplanation } from './query-commands.js';
import { printJson, printJsonLines, printLines } from '../output.js';
import { endProgress, progressBar } from '../progress-bar.js';
import { registerFormatImports } from './format-import-commands.js';
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

/** The `verso import` command group. */
export function importGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'import') ??
    program.command('import').description('import data into a branch (one commit)')
  );
}

export function registerFormatCommands(program: Command): void {
  registerFormatImports(importGroup(program));
  const coco = importGroup(program)
    .command('coco <file>')
    .description(
      'import a COCO instances JSON file: its images get exactly its annotations (see docs/formats.md, "COCO")',
    )
    .option('--branch <name>', 'branch to commit to', 'main')
    .option('-m, --message <msg>', 'commit message')
    .option('--split <name>', 'put every image of the file in this split (train, val, ...)')
    .option(
      '--images <dir>',
      'folder of the image files named by file_name: checked and stored as blobs',
    );
  replaceAllOption(coco);
  policyOptions(coco)
    .option('--json', 'machine-readable output')
    .action(
      async (
        file: string,
        opts: PolicyFlags & {
          branch: string;
          message?: string;
          split?: string;
          images?: string;
          replaceAll?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { importCoco } = await import('../../api/interchange/index.js');
          const bar = progressBar();
          const r = await importCoco(repo, {
            file,
            branch: opts.branch,
            ...(opts.message ? { message: opts.message } : {}),
            ...(opts.split !== undefined ? { split: opts.split } : {}),
            ...(opts.images !== undefined ? { images: opts.images } : {}),
            ...(opts.replaceAll ? { mode: 'replace_all' as const } : {}),
            policy: policyOf(opts),
            ...(bar ? { onProgress: bar } : {}),
          });
          endProgress(bar);
          if (opts.json) return printJson(r);
          return printLines([
            commitLine(
              opts.branch,
              r,
              `imported ${r.images} images, ${r.annotations} annotations, ${r.categories} categories: labels ${counts(r.labels)}, reviews ${counts(r.reviews)}, assets ${counts(r.assets)}${r.blobs ? `; blobs ${r.blobs.new} new, ${r.blobs.deduplicated} already stored` : ''}`,
            ),
            ...removedLines(r.mode, r.removed),
            ...geometryLines(r.geometry),
          ]);
        }),
    );

  program
    .command('export <ref>')
    .description(
      'write the labels of a commit in another format (coco, jsonl, yolo, yolo-seg, voc)',
    )
    .requiredOption('--format <format>', 'coco, jsonl, yolo, yolo-seg or voc')
    .requiredOption('--out <path>', 'output file (a folder for yolo, yolo-seg, voc)')
    .option('--schema <version>', 'read the labels as this schema version (auto ops applied)')
    .option('--where <expr>', 'only labels matching this filter expression (and their images)')
    .option('--explain', 'print how the filter would be answered (index or scan), write nothing')
    .option(
      '--with-images',
      'also write the image files (hard links to the blob store when possible, else copies)',
    )
    .option('--json', 'machine-readable output')
    .action(
      async (
        ref: string,
        opts: {
          format: string;
          out: string;
          schema?: string;
          where?: string;
          explain?: boolean;
          withImages?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          if (opts.explain && opts.where !== undefined)
            return printExplanation(repo, ref, opts.where, opts.schema, opts.json);
          const { exportSnapshot } = await import('../../api/interchange/index.js');
          const r = await exportSnapshot(repo, {
            ref,
            format: opts.format,
            out: opts.out,
            ...(opts.schema !== undefined ? { schema: opts.schema } : {}),
            ...(opts.where !== undefined ? { where: opts.where } : {}),
            ...(opts.withImages ? { withImages: true } : {}),
          });
          if (opts.json) return printJson(r);
          const images = r.images === undefined ? '' : `${r.images} images, `;
          const as = r.schema === undefined ? '' : ` as schema ${r.schema}`;
          const files = r.image_files;
          return printLines([
            `exported ${images}${r.labels} labels of ${r.commit.slice(0, 12)}${as} to ${r.out}`,
            ...(r.skipped
              ? [
                  `${r.skipped} labels left out: ${opts.format} cannot draw them, or their class is not in the category list`,
                ]
              : []),
            ...(files ? [`image files: ${files.linked} linked, ${files.copied} copied`] : []),
          ]);
        }),
    );

  const split = program.command('split').description("read or change images' splits");
  split
    .command('set <images...>')
    .description('move images to a split (one commit)')
    .requiredOption('--to <name>', 'split name (train, val, test, ...)')
    .option('--branch <name>', 'branch to commit to', 'main')
    .option('-m, --message <msg>', 'commit message')
    .option('--json', 'machine-readable output')
    .action(
      async (
        images: string[],
        opts: { to: string; branch: string; message?: string; json?: boolean },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { setSplits } = await import('../../api/write/index.js');
          const r = await setSplits(repo, {
            branch: opts.branch,
            images,
            split: opts.to,
            ...(opts.message ? { message: opts.message } : {}),
          });
          if (opts.json) return printJson(r);
          return printLines([
            commitLine(opts.branch, r, `split '${opts.to}': ${counts(r.splits)}`),
          ]);
        }),
    );
  split
    .command('show <ref>')
    .description('images per split; --list prints every image with its split')
    .option('--list', 'one line per image: IMAGE<TAB>SPLIT')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { list?: boolean; json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { scanSplits, showSplits } = await import('../../api/write/index.js');
        if (opts.list) {
          const rows = scanSplits(repo, ref);
          if (opts.json) return printJsonLines(rows);
          return printLines(mapAsync(rows, (s) => `${s.image}\t${s.split}`));
        }
        const view = await showSplits(repo, ref);
        if (opts.json) return printJson(view);
        return printLines(Object.entries(view.counts).map(([name, n]) => `${name}\t${n}`));
      }),
    );
}

async function* mapAsync<T, U>(it: AsyncIterable<T>, f: (t: T) => U): AsyncGenerator<U> {
  for await (const t of it) yield f(t);
}
