/**
 * `verso slice show|export|branch S` (layer: api, issue 17): a slice by id (or a unique id
 * prefix, or a unique name), what it holds, its data in any export format, and a labeling branch
 * from it.
 *
 * A slice is either saved labels (`slice save`: the labels of a commit matching a filter, read
 * as a schema) or a selection of images (`select`: a header and the images by rank,
 * `select.ts`). Either way its data is fixed by its commit, so `export` reads the slice's
 * snapshot, never the branch as it is now: a saved slice exports the labels its filter matches
 * at its commit; a selection exports every label of its images at its commit (`image in
 * (...)`, planned as one key range per image), so images without labels are not written (as
 * with `export --where`). `branch` starts a branch at the slice's commit: what labelers change
 * there merges back as a change of those labels, and `slice show` lists the images to relabel.
 */
import type { SliceRecord } from '../../catalog/catalog.js';
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import { decodeValue } from '../../core/canonical.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { hexToHash, type ChunkHash } from '../../core/hash.js';
import { scanLeaves } from '../../tree/read.js';
import { exportSnapshot, type ExportResult } from '../interchange/export.js';
import { createBranch } from '../repository/refs.js';
import type { Repository } from '../repository/repository.js';
import type { SelectedImage } from './select-rank.js';

/** Shortest id prefix `findSlice` takes (shorter ones match too many by chance). */
const MIN_PREFIX = 6;

export async function findSlice(repo: Repository, ref: string): Promise<SliceRecord> {
  const exact = await repo.catalog.lineage.getSlice(ref);
  if (exact) return exact;
  const all = await repo.catalog.lineage.listSlices();
  const found = all.filter(
    (s) => s.name === ref || (ref.length >= MIN_PREFIX && s.id.startsWith(ref)),
  );
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new LineageRecordNotFoundError('slice', ref);
  throw new InvalidArgumentError(
    'slice',
    ref,
    `names ${found.length} slices (${found.map((s) => s.id.slice(0, 12)).join(', ')}): give the id`,
  );
}

export interface SliceDetails {
  readonly slice: SliceRecord;
  /** A selection's images, hardest first; undefined for saved labels. */
  readonly images?: readonly SelectedImage[];
}

export async function showSlice(repo: Repository, ref: string): Promise<SliceDetails> {
  const slice = await findSlice(repo, ref);
  if (slice.selection === null) return { slice };
  return { slice, images: await selectionImages(repo, slice) };
}

/** A selection's images by rank (its tree: header at [0], images at [1, rank]). */
async function selectionImages(repo: Repository, slice: SliceRecord): Promise<SelectedImage[]> {
  const images: SelectedImage[] = [];
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(slice.id as ChunkHash)))
    for (let i = leaf.from; i < leaf.to; i++)
      if (leaf.keys[i]![0] === 1) images.push(decodeValue(leaf.values[i]!) as never);
  return images;
}

export interface SliceExportOptions {
  readonly slice: string;
  readonly format: string;
  readonly out: string;
  readonly withImages?: boolean | 'blobs-only';
}

export async function exportSlice(
  repo: Repository,
  opts: SliceExportOptions,
): Promise<ExportResult & { readonly slice: string }> {
  const slice = await findSlice(repo, opts.slice);
  const r = await exportSnapshot(repo, {
    ref: slice.commit,
    format: opts.format,
    out: opts.out,
    ...(await sliceLabels(repo, slice)),
    ...(opts.withImages ? { withImages: opts.withImages } : {}),
  });
  const { where: _expression, ...rest } = r;
  return { ...rest, slice: slice.id };
}

/**
 * The labels a slice stands for, at any commit, as a filter and the schema it is read in: a
 * saved slice's filter and schema; a selection's images (every label of them).
 */
export async function sliceLabels(
  repo: Repository,
  slice: SliceRecord,
): Promise<{ readonly where?: string; readonly schema?: string }> {
  const where =
    slice.selection === null
      ? (slice.filter ?? undefined)
      : imagesFilter(await selectionImages(repo, slice));
  return {
    ...(slice.schema !== null ? { schema: slice.schema } : {}),
    ...(where !== undefined ? { where } : {}),
  };
}

/** The filter of every label of `images` (no image: one that never exists, ids are not empty). */
function imagesFilter(images: readonly SelectedImage[]): string {
  if (images.length === 0) return 'image = ""';
  return `image in (${images.map((i) => JSON.stringify(i.image)).join(', ')})`;
}

export async function branchSlice(
  repo: Repository,
  ref: string,
  name: string,
): Promise<{ readonly slice: SliceRecord; readonly branch: string; readonly target: ChunkHash }> {
  const slice = await findSlice(repo, ref);
  const b = await createBranch(repo, name, slice.commit);
  return { slice, branch: b.name, target: b.target };
}
