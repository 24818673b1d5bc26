/**
 * The image files of a COCO import (`verso import coco FILE --images DIR`) and what a COCO
 * image record may claim about bytes (layer: api).
 *
 * With `--images`: the file of each image is `DIR/<file_name>`, else `DIR/<basename>`; a
 * missing file, a non-image or a size other than the record's `width`/`height` is an error
 * naming the image record (`images[i] (id N)`), found while probing headers, before any blob
 * is written. Then every file is hashed and stored as a blob (`image-batch.ts`), and the asset
 * record is the COCO image's fields plus `sha256`, `size`, `media_type`, `storage: "blob"`
 * (and `width`/`height` when the record lacks them).
 *
 * A `sha256` written in the COCO file is not a hash Verso verified: it is kept as
 * `source_sha256` (and a `storage` member as `source_storage`), so `verify --assets` never
 * takes it for a hash of stored bytes. With `--images` a given hash equal to the measured one is
 * dropped as redundant.
 */
import { statSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import type { JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { InputFileError } from '../../io/io-errors.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { probeImages, readImages, sourcesOf, type BlobCounts } from '../images/image-batch.js';
import type { ProbedImage } from '../images/image-intake.js';
import type { ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';

/** One image record of the COCO file as the reader gave it. */
export interface CocoImageEntry {
  readonly image: string;
  readonly asset: LabelContent;
  /** Position in the file's `images` array. */
  readonly index: number;
}

export interface CocoImageFiles extends BlobCounts {
  /** The asset records, in the order of the entries. */
  readonly assets: readonly LabelContent[];
}

/** Source fields that would pass for Verso's own claims, and the names they are kept under. */
const CLAIMS = [
  ['sha256', 'source_sha256'],
  ['storage', 'source_storage'],
] as const;

/** The record with its byte claims renamed (see the module comment). */
export function unverifiedAsset(asset: LabelContent): LabelContent {
  if (!CLAIMS.some(([k]) => k in asset)) return asset;
  const out: { [k: string]: JsonValue } = { ...asset };
  for (const [from, to] of CLAIMS) {
    if (!(from in out)) continue;
    out[to] = out[from]!;
    delete out[from];
  }
  return out;
}

export function checkImagesFolder(dir: string): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new InputFileError(dir, st ? 'not a folder' : 'no such folder');
}

/** Probes, checks, hashes and stores the file of every entry; returns the asset records. */
export async function storeCocoImageFiles(
  repo: Repository,
  file: string,
  dir: string,
  entries: readonly CocoImageEntry[],
  onProgress?: ProgressFn,
): Promise<CocoImageFiles> {
  const where = (e: CocoImageEntry) =>
    `images[${e.index}] (id ${JSON.stringify(e.asset['source_id'] ?? null)})`;
  const sources = sourcesOf(
    entries.map((e) => {
      const fileName = e.asset['file_name'] as string;
      // Only inside DIR: a file_name climbing out of it ('../x.jpg', '/etc/x') is looked up by
      // its base name alone.
      const inside = (p: string) =>
        !relative(dir, p).startsWith('..') && !isAbsolute(relative(dir, p));
      const candidates = [join(dir, fileName), join(dir, basename(fileName))].filter(inside);
      const tried = [...new Set(candidates)];
      const path = tried.find((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
      if (path === undefined)
        throw new FormatParseError(
          file,
          where(e),
          'file_name',
          `no image file at ${tried.join(' nor at ')}`,
        );
      return { image: e.image, path, fileName };
    }),
  );
  const probed = (await probeImages(sources, onProgress)) as ProbedImage[];
  probed.forEach((p, i) => checkSize(file, where(entries[i]!), entries[i]!.asset, p));
  const read = await readImages(repo, probed, {
    store: true,
    ...(onProgress ? { onProgress } : {}),
  });
  const assets = read.images.map((m, i) => {
    const { source_sha256: given, ...fields } = unverifiedAsset(entries[i]!.asset);
    return {
      ...fields,
      ...(given !== undefined && given !== m.sha256 ? { source_sha256: given } : {}),
      width: m.header.width,
      height: m.header.height,
      media_type: m.header.mediaType,
      sha256: m.sha256,
      size: m.size,
      storage: 'blob',
      ...(m.header.orientation === undefined ? {} : { orientation: m.header.orientation }),
    };
  });
  const { blobsNew, blobsDeduplicated, bytesNew } = read;
  return { assets, blobsNew, blobsDeduplicated, bytesNew };
}

function checkSize(file: string, where: string, asset: LabelContent, p: ProbedImage): void {
  for (const field of ['width', 'height'] as const) {
    const given = asset[field];
    if (given !== undefined && given !== p.header[field])
      throw new FormatParseError(
        file,
        where,
        field,
        `the record says ${JSON.stringify(given)}, the file ${p.source.path} is ${p.header.width}x${p.header.height}`,
      );
  }
}
