/**
 * `verso export REF --format F --out PATH`: a snapshot written in another format (layer: api).
 *
 * Formats are a small registry: each entry lazily loads its exporter, which streams the
 * snapshot to `out` and returns what it wrote. To add a format, add one line to EXPORTERS.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { asOutputPathError, OutputFile, prepareOutputPath } from '../io/output-file.js';
import type { ChunkHash } from '../core/hash.js';
import { type Snapshot } from '../vcs/snapshot.js';
import { categoriesOf } from './categories.js';
import type { ExportCounts, Exporter, ExportView } from './exporter.js';
import type { Repository } from './repository.js';
import { snapshotAtRef } from './snapshot-at.js';
import { contentBytesMapper } from './schema-projection.js';
import { SchemaRegistry } from './schema-registry.js';

const EXPORTERS: Readonly<Record<string, () => Promise<Exporter>>> = {
  coco: async () => (await import('./export-coco.js')).exportCoco,
  jsonl: async () => exportJsonl,
  yolo: async () => (await import('./export-yolo.js')).exportYolo,
  'yolo-seg': async () => (await import('./export-yolo.js')).exportYoloSeg,
  voc: async () => (await import('./export-voc.js')).exportVoc,
};

export const EXPORT_FORMATS: readonly string[] = Object.keys(EXPORTERS);

export interface ExportOptions {
  readonly ref: string;
  readonly format: string;
  readonly out: string;
  /** Read the snapshot as this schema version (see `schema-projection.ts`). */
  readonly schema?: string;
  /** Export only the labels matching this filter expression (docs/formats.md, "Filter language"). */
  readonly where?: string;
}

export interface ExportResult extends ExportCounts {
  readonly format: string;
  readonly schema?: string;
  readonly where?: string;
  readonly commit: ChunkHash;
  readonly out: string;
}

/** Formats that write a folder (the others write one file). */
const FOLDER_FORMATS: ReadonlySet<string> = new Set(['yolo', 'yolo-seg', 'voc']);

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
  prepareOutputPath(out, FOLDER_FORMATS.has(format) ? 'folder' : 'file');
}

export async function exportSnapshot(repo: Repository, opts: ExportOptions): Promise<ExportResult> {
  const load = EXPORTERS[opts.format];
  if (!load)
    throw new InvalidArgumentError(
      'format',
      opts.format,
      `expected one of ${EXPORT_FORMATS.join(', ')}`,
    );
  const { commit, snap } = await snapshotAtRef(repo, opts.ref);
  const view = await exportView(repo, snap, opts.schema);
  const filter =
    opts.where === undefined
      ? undefined
      : await (await import('./query-filter.js')).compileLabelFilter(repo, snap, opts.where);
  const exporter = await load();
  prepareExportTarget(opts.format, opts.out);
  const counts = await exporter(
    repo,
    commit,
    snap,
    opts.out,
    filter ? { ...view, filter } : view,
  ).catch((e: unknown) => {
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
 * with the blocking ops when a review op stands in the way) and the categories of that version
 * (its classes, with the fields a category of the same id had in the snapshot's list, such as a
 * COCO `supercategory`).
 */
async function exportView(
  repo: Repository,
  snap: Snapshot,
  schema: string | undefined,
): Promise<ExportView> {
  const stored = (await categoriesOf(repo, snap)) ?? [];
  if (schema === undefined) return { categories: stored };
  const mapContent = await contentBytesMapper(repo, snap.schema, schema);
  const taxonomy = (await SchemaRegistry.open(repo)).taxonomy(schema);
  const extras = new Map(stored.map((c) => [c.id, c]));
  const categories = taxonomy.classes.map((c) => ({
    ...extras.get(c.id),
    id: c.id,
    name: c.name,
    ...(c.keypoints ? { keypoints: [...c.keypoints] } : {}),
    ...(c.skeleton ? { skeleton: c.skeleton.map((pair) => [...pair]) } : {}),
  }));
  return { categories, ...(mapContent ? { mapContent } : {}) };
}

/** The native JSONL: exactly what `verso cat` prints. */
const exportJsonl: Exporter = async (repo, commit, _snap, out, view) => {
  const { catLabelBlocks } = await import('./cat.js');
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
