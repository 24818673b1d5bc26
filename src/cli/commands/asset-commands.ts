/**
 * `verso add images`, `verso asset list`, `verso asset show` (layer: cli), as command-table
 * entries. `asset list` streams records in their interchange shape (JSON Lines).
 */
import type { Command } from 'commander';
import type { AddImagesResult } from '../../api/images/index.js';
import type { JsonValue } from '../../core/canonical.js';
import { defineCommand, Records, registerCommand } from '../command-table.js';
import type { CliContext } from '../context.js';
import { commitLine } from './write-report.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

type AssetJson = { readonly image: string } & Record<string, JsonValue>;

export const addImagesCommand = defineCommand<
  { branch: string; reference?: boolean; message?: string },
  AddImagesResult
>({
  name: 'images <paths...>',
  description:
    'add image files and folders (recursively) as assets: bytes stored once by SHA-256, size and type from the header',
  spec: (cmd) =>
    cmd
      .option('--branch <name>', 'branch to commit to', 'main')
      .option('--reference', 'leave the bytes where they are; record their location and hash')
      .option('-m, --message <msg>', 'commit message'),
  repository: true,
  progress: true,
  async run(repo, { args, opts }, rc) {
    const { addImages } = await import('../../api/images/index.js');
    return addImages(repo, {
      paths: args[0] as string[],
      branch: opts.branch,
      reference: !!opts.reference,
      ...(opts.message ? { message: opts.message } : {}),
      ...(rc.progress ? { onProgress: rc.progress } : {}),
    });
  },
  render: (r, { opts }) => {
    const blobs = opts.reference
      ? 'by reference, no bytes stored'
      : `blobs ${r.blobsNew} new (${r.bytesNew} bytes), ${r.blobsDeduplicated} already stored`;
    return [
      commitLine(
        opts.branch,
        r,
        `${plural(r.images, 'image')}: ${r.added} added, ${r.replaced} replaced, ${r.unchanged} unchanged; ${blobs}` +
          (r.skipped ? `; skipped ${plural(r.skipped, 'non-image file')}` : ''),
      ),
    ];
  },
});

export const assetListCommand = defineCommand<unknown, Records<AssetJson>>({
  name: 'list [ref]',
  description: 'every asset record of REF (default main), in image id order',
  json: 'one JSON object per asset (JSONL)',
  repository: true,
  async run(repo, { args }) {
    const { listAssets } = await import('../../api/read/index.js');
    const { assetRecordJson } = await import('../../dataset/asset-record.js');
    const pages = listAssets(repo, (args[0] as string | undefined) ?? 'main');
    return new Records(
      (async function* () {
        for await (const entries of pages)
          for (const { image, record } of entries) yield { image, ...assetRecordJson(record) };
      })(),
      { verbatim: true },
    );
  },
  render: (assets) =>
    assets.map(
      (a) =>
        `${a.image}\t${String(a['width'] ?? '?')}x${String(a['height'] ?? '?')}\t${String(a['media_type'] ?? '-')}\t${String(a['storage'] ?? 'metadata')}\t${String(a['file_name'])}`,
    ),
});

export const assetShowCommand = defineCommand<unknown, AssetJson>({
  name: 'show <ref> <image>',
  description: 'the asset record of one image',
  repository: true,
  async run(repo, { args }) {
    const { showAsset } = await import('../../api/read/index.js');
    const { assetRecordJson } = await import('../../dataset/asset-record.js');
    const [ref, image] = args as [string, string];
    return { image, ...assetRecordJson(await showAsset(repo, ref, image)) };
  },
  render: ({ image, ...record }) => [
    `image ${image}`,
    ...Object.entries(record)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k.padEnd(12)} ${typeof v === 'string' ? v : JSON.stringify(v)}`),
  ],
});

export function registerAssetCommands(program: Command, ctx: CliContext): void {
  const add = program.command('add').description('add files to a branch (one commit)');
  registerCommand(add, ctx, addImagesCommand);
  const asset = program.command('asset').description('read asset records');
  registerCommand(asset, ctx, assetListCommand);
  registerCommand(asset, ctx, assetShowCommand);
}
