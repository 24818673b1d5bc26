/**
 * `verso add images`, `verso asset list`, `verso asset show` (layer: cli).
 */
import type { Command } from 'commander';
import { withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';
import { endProgress, progressBar } from '../progress-bar.js';
import { commitLine } from './write-report.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function registerAssetCommands(program: Command): void {
  const add = program.command('add').description('add files to a branch (one commit)');
  add
    .command('images <paths...>')
    .description(
      'add image files and folders (recursively) as assets: bytes stored once by SHA-256, size and type from the header',
    )
    .option('--branch <name>', 'branch to commit to', 'main')
    .option('--reference', 'leave the bytes where they are; record their location and hash')
    .option('-m, --message <msg>', 'commit message')
    .option('--json', 'machine-readable output')
    .action(
      async (
        paths: string[],
        opts: { branch: string; reference?: boolean; message?: string; json?: boolean },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { addImages } = await import('../../api/images/index.js');
          const bar = progressBar();
          const r = await addImages(repo, {
            paths,
            branch: opts.branch,
            reference: !!opts.reference,
            ...(opts.message ? { message: opts.message } : {}),
            ...(bar ? { onProgress: bar } : {}),
          });
          endProgress(bar);
          if (opts.json) return printJson(r);
          const blobs = opts.reference
            ? 'by reference, no bytes stored'
            : `blobs ${r.blobsNew} new (${r.bytesNew} bytes), ${r.blobsDeduplicated} already stored`;
          return printLines([
            commitLine(
              opts.branch,
              r,
              `${plural(r.images, 'image')}: ${r.added} added, ${r.replaced} replaced, ${r.unchanged} unchanged; ${blobs}` +
                (r.skipped ? `; skipped ${plural(r.skipped, 'non-image file')}` : ''),
            ),
          ]);
        }),
    );

  const asset = program.command('asset').description('read asset records');
  asset
    .command('list [ref]')
    .description('every asset record of REF (default main), in image id order')
    .option('--json', 'one JSON object per asset (JSONL)')
    .action(async (ref: string | undefined, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { listAssets } = await import('../../api/read/index.js');
        const { assetRecordJson } = await import('../../dataset/asset-record.js');
        return printLines(
          (async function* () {
            for await (const entries of listAssets(repo, ref ?? 'main'))
              for (const { image, record } of entries)
                yield opts.json
                  ? JSON.stringify({ image, ...assetRecordJson(record) })
                  : `${image}\t${record.width ?? '?'}x${record.height ?? '?'}\t${record.media_type ?? '-'}\t${record.storage ?? 'metadata'}\t${record.file_name}`;
          })(),
        );
      }),
    );
  asset
    .command('show <ref> <image>')
    .description('the asset record of one image')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, image: string, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { showAsset } = await import('../../api/read/index.js');
        const { assetRecordJson } = await import('../../dataset/asset-record.js');
        const record = assetRecordJson(await showAsset(repo, ref, image));
        if (opts.json) return printJson({ image, ...record });
        return printLines([
          `image ${image}`,
          ...Object.entries(record)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, v]) => `${k.padEnd(12)} ${typeof v === 'string' ? v : JSON.stringify(v)}`),
        ]);
      }),
    );
}
