/**
 * `verso export REF --format F --out PATH`: a snapshot written in another format (layer: api).
 *
 * Formats are a small registry: each entry lazily loads its exporter, which streams the
 * snapshot to `out` and returns what it wrote. To add a format, add one line to EXPORTERS.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { asOutputPathError, OutputFile, prepareOutputPath } from '../../io/output-file.js';
import type { ChunkHash } from '../../core/hash.js';
import { type Snapshot } from '../../vcs/snapshot.js';
import { baseCategories } from './export-categories.js';
import type { ExportCounts, Exporter, ExportView } from './exporter.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import { contentBytesMapper } from '../schema/schema-projection.js';

const EXPORTERS: Readonly<Record<string, () => Promise<Exporter>>> = {
  coco: async () => (await import('./export-coco.js')).exportCoco,
  jsonl: async () => exportJsonl,
  yolo: async () => (await import('./export-yolo.js')).exportYolo,
  'yolo-seg': async () => (await import('./export-yolo.js')).exportYoloSeg,
  voc: async () => (await import('./export-voc.js')).exportVoc,
  mot: async () => (await import('./export-mot.js')).exportMot,
  cvat: async () => (await import('./export-cvat.js')).exportCvat,
};

export const EXPORT_FORMATS: readonly string[] = Object.keys(EXPORTERS);
/** Formats that write a snapshot's video tracks (keyframes materialized), not its labels. */
const TRACK_FORMATS: ReadonlySet<string> = new Set(['mot']);
/** The formats that write labels (what a label filter, a schema or image files apply to). */
export const LABEL_EXPORT_FORMATS: readonly string[] = EXPORT_FORMATS.filter(
  (f) => !TRACK_FORMATS.has(f),
);

export interface ExportOptions {
  readonly ref: string;
  readonly format: string;
  readonly out: string;
  /** Read the snapshot as this schema version (see `schema-projection.ts`). */
  readonly schema?: string;
  /** Export only the labels matching this filter expression (docs/formats.md, "Filter language"). */
  readonly where?: string;
  /**
   * Also place the image files (hard links or copies; `export-images.ts`); `'blobs-only'`: only
   * images stored in the blob store, never files outside the repository that records reference
   * (what a server exports: a pushed record must not make it read its own files).
   */
  readonly withImages?: boolean | 'blobs-only';
}

export interface ExportResult extends ExportCounts {
  readonly format: string;
  readonly schema?: string;
  readonly where?: string;
  readonly commit: ChunkHash;
  readonly out: string;
}

/** A track format writes every track of the snapshot: label filters, schemas and images do not apply. */
function refuseLabelOptions(opts: ExportOptions): void {
  const given = [
    opts.where !== undefined ? 'a label filter' : undefined,
    opts.schema !== undefined ? 'a schema version' : undefined,
    opts.withImages ? 'image files' : undefined,
  ].filter((g) => g !== undefined);
  if (given.length > 0)
    throw new InvalidArgumentError(
      'format',
      opts.format,
      `${opts.format} exports every video track of the snapshot, so ${given.join(' and ')} cannot apply; use one of ${LABEL_EXPORT_FORMATS.join(', ')} for labels`,
    );
}

/** Formats that cannot carry image files, and why. */
const WITHOUT_IMAGES: Readonly<Record<string, string>> = {
  jsonl: 'JSONL has no image files',
  cvat: 'the CVAT export is one XML file, without image files',
};

/** Formats that write a folder (the others write one file). */
const FOLDER_FORMATS: ReadonlySet<string> = new Set(['yolo', 'yolo-seg', 'voc', 'mot']);

/**
 * Checks the format and makes `out` writable (creating its folder) or refuses with
 * `OutputPathError`: call before any side effect (`run start --export` records nothing when it
 * fails).
 */
export function prepareExportTarget(format: string, out: string): void {
  if (!EXPORTERS[format])
    throw new InvalidArgumentError(
      'format',
      format,
      `expected one of ${EXPORT_FORMATS.join(', ')}`,
    );
  // A folder export is staged beside `out` and renamed into place (`export-out.ts`), so a
  // failed export leaves nothing: a missing `out` is not created here.
  prepareOutputPath(out, FOLDER_FORMATS.has(format) ? 'staged-folder' : 'file');
}

export async function exportSnapshot(repo: Repository, opts: ExportOptions): Promise<ExportResult> {
  const load = EXPORTERS[opts.format];
  if (!load)
    throw new InvalidArgumentError(
      'format',
      opts.format,
      `expected one of ${EXPORT_FORMATS.join(', ')}`,
    );
  if (opts.withImages && WITHOUT_IMAGES[opts.format] !== undefined)
    throw new InvalidArgumentError(
      'format with images',
      opts.format,
      `${WITHOUT_IMAGES[opts.format]}: use coco, yolo, yolo-seg or voc`,
      { option: 'with-images' },
    );
  if (TRACK_FORMATS.has(opts.format)) refuseLabelOptions(opts);
  const { commit, snap } = await snapshotAtRef(repo, opts.ref);
  const view = await exportView(repo, snap, opts.schema, opts.format !== 'jsonl');
  const filter =
    opts.where === undefined
      ? undefined
      : await (await import('../query/query-filter.js')).compileLabelFilter(repo, snap, opts.where);
  const exporter = await load();
  prepareExportTarget(opts.format, opts.out);
  const counts = await exporter(repo, commit, snap, opts.out, {
    ...view,
    ...(filter ? { filter } : {}),
    ...(opts.withImages ? { withImages: opts.withImages } : {}),
  }).catch((e: unknown) => {
    throw asOutputPathError(opts.out, e);
  });
  return {
    format: opts.format,
    commit,
    out: opts.out,
    ...(opts.schema !== undefined ? { schema: opts.schema } : {}),
    ...(opts.where !== undefined ? { where: opts.where } : {}),
    ...counts,
  };
}

/**
 * The snapshot as stored, or as schema `schema`: labels mapped by the recorded auto ops (refused
 * with the blocking ops when a review op stands in the way); and, for formats that write
 * categories, the start of the snapshot's one category list (`export-categories.ts`: the
 * schema's classes or the stored list; each exporter completes it with the classes the labels
 * use when it needs them): the same ids and indices whatever the filter.
 */
async function exportView(
  repo: Repository,
  snap: Snapshot,
  schema: string | undefined,
  withCategories: boolean,
): Promise<ExportView> {
  const mapContent =
    schema === undefined ? undefined : await contentBytesMapper(repo, snap.schema, schema);
  const pinned = withCategories
    ? await baseCategories(repo, snap, schema)
    : { categories: [], source: 'labels' as const };
  return {
    categories: pinned.categories,
    categorySource: pinned.source,
    ...(mapContent ? { mapContent } : {}),
  };
}

/** The native JSONL: exactly what `verso cat` prints. */
const exportJsonl: Exporter = async (repo, commit, _snap, out, view) => {
  const { catLabelBlocks } = await import('../read/cat.js');
  const file = OutputFile.open(out);
  let labels = 0;
  try {
    const blocks = catLabelBlocks(repo, commit, {
      ...(view.mapContent ? { mapContent: view.mapContent } : {}),
      ...(view.filter ? { filter: view.filter } : {}),
    });
    for await (const block of blocks) {
      for (let i = block.indexOf(10); i >= 0; i = block.indexOf(10, i + 1)) labels++;
      await file.write(block);
    }
    await file.close();
  } catch (e) {
    file.abort();
    throw e;
  }
  return { labels };
};
