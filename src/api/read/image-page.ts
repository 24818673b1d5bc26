/**
 * One page of a snapshot's images with their labels (layer: api), for the web UI's gallery: it
 * must show page 1 of a 10M-label repository without reading the other pages.
 *
 * Without a filter the pages follow the `assets` tree (image id order): a page starts at a
 * position (`offset`, found from the subtree counts in O(depth)) or after an image id (`after`,
 * a cursor), holds up to `limit` asset records, and its labels and reviews are the one key range
 * those images span in the `labels` and `reviews` trees (all labels of an image are contiguous,
 * `dataset/label-key.ts`): O(depth + page), never O(repository). `total` is the number of asset
 * records (the tree root's count, O(1)). Labels on images without an asset record (written with
 * --allow-unknown-images) are not in these pages; a filter finds them.
 *
 * With a filter (`where`) the pages follow the matching labels in key order, grouped by image,
 * after an image id (`after` only: the number of matching images is not known without running
 * the whole query); the filter's plan decides the cost (index candidates, or a scan from the
 * cursor's image that stops once the page is full). `next` is the cursor of the following page,
 * absent on the last one.
 */
import { JsonBytes } from '../../core/canonical-json.js';
import { tuplePrefixRange } from '../../core/tuple.js';
import { decodeAssetRecord, type AssetRecord } from '../../dataset/asset-record.js';
import { decodeRecordKey, encodeImageKey } from '../../dataset/label-key.js';
import { compareBytes } from '../../tree/bytes.js';
import { countEntries, entryAt, getValue, rankOf, scanLeaves } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { renderLine } from './label-lines.js';
import { ReviewCursor, type LabelEntry } from './label-review-scan.js';
import type { LabelFilter } from '../query/query-filter.js';
import type { ChunkHash } from '../../core/hash.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import type { ContentBytesMapper } from '../schema/schema-projection.js';

export interface ImagePageOptions {
  /** Position of the first image (unfiltered pages only). */
  readonly offset?: number;
  /** Start after this image id. */
  readonly after?: string;
  readonly limit: number;
  readonly where?: string;
  /** Read the labels as this schema version. */
  readonly schema?: string;
}

export interface ImagePageEntry {
  readonly image: string;
  readonly asset: AssetRecord | undefined;
  /** The image's labels as `verso cat` lines (each ending in '\n'), in key order. */
  readonly labels: readonly string[];
}

export interface ImagePage {
  readonly commit: ChunkHash;
  /** Images with an asset record (unfiltered pages). */
  readonly total?: number;
  /** Position of the page's first image (unfiltered pages). */
  readonly offset?: number;
  readonly images: readonly ImagePageEntry[];
  /** The `after` of the next page; absent on the last page. */
  readonly next?: string;
}

export async function imagePage(
  repo: Repository,
  refSpec: string,
  opts: ImagePageOptions,
): Promise<ImagePage> {
  const { commit, snap } = await snapshotAtRef(repo, refSpec);
  const mapContent =
    opts.schema === undefined
      ? null
      : await (
          await import('../schema/schema-projection.js')
        ).contentBytesMapper(repo, snap.schema, opts.schema);
  if (opts.where !== undefined)
    return { commit, ...(await filteredPage(repo, snap, opts, opts.where, mapContent)) };
  return { commit, ...(await assetPage(repo, snap, opts, mapContent)) };
}

async function assetPage(
  repo: Repository,
  snap: Snapshot,
  opts: ImagePageOptions,
  mapContent: ContentBytesMapper | null,
): Promise<Omit<ImagePage, 'commit'>> {
  const assets = treeRoot(snap, 'assets');
  const total = await countEntries(repo.nodes, assets);
  let start: Uint8Array | undefined;
  let offset = opts.offset ?? 0;
  if (opts.after !== undefined) {
    start = encodeImageKey(opts.after);
    offset = await rankOf(repo.nodes, assets, start);
  } else if (offset < total) start = (await entryAt(repo.nodes, assets, offset))![0];
  const page: { image: string; asset: AssetRecord }[] = [];
  if (start !== undefined) {
    let next = false;
    scan: for await (const run of scanLeaves(repo.nodes, assets, { start })) {
      for (let i = run.from; i < run.to; i++) {
        if (opts.after !== undefined && compareBytes(run.keys[i]!, start) === 0) {
          offset++;
          continue;
        }
        if (page.length === opts.limit) {
          next = true;
          break scan;
        }
        page.push({
          image: decodeRecordKey(run.keys[i]!).image,
          asset: decodeAssetRecord(run.values[i]!),
        });
      }
    }
    const labels = await labelsOfImages(repo, snap, page, mapContent);
    const images = page.map((p) => ({ ...p, labels: labels.get(p.image) ?? [] }));
    const last = page[page.length - 1];
    return { total, offset, images, ...(next && last ? { next: last.image } : {}) };
  }
  return { total, offset, images: [] };
}

/** The labels (as cat lines) of `page`'s images: one range scan of labels and reviews. */
async function labelsOfImages(
  repo: Repository,
  snap: Snapshot,
  page: readonly { image: string }[],
  mapContent: ContentBytesMapper | null,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (page.length === 0) return out;
  const range = {
    start: tuplePrefixRange([page[0]!.image]).start,
    end: tuplePrefixRange([page[page.length - 1]!.image]).end,
  };
  const reviews = new ReviewCursor(scanLeaves(repo.nodes, treeRoot(snap, 'reviews'), range));
  const line = new JsonBytes();
  for await (const run of scanLeaves(repo.nodes, treeRoot(snap, 'labels'), range)) {
    for (let i = run.from; i < run.to; i++) {
      const key = run.keys[i]!;
      const value = mapContent ? mapContent(run.values[i]!) : run.values[i]!;
      const found = reviews.valueAt(key);
      renderLine(line, key, value, found instanceof Promise ? await found : found);
      const { image } = decodeRecordKey(key);
      const text = line.take().toString('utf8');
      const list = out.get(image);
      if (list) list.push(text);
      else out.set(image, [text]);
    }
  }
  return out;
}

async function filteredPage(
  repo: Repository,
  snap: Snapshot,
  opts: ImagePageOptions,
  where: string,
  mapContent: ContentBytesMapper | null,
): Promise<Omit<ImagePage, 'commit'>> {
  const { compileLabelFilter } = await import('../query/query-filter.js');
  const filter = await compileLabelFilter(repo, snap, where);
  const assets = treeRoot(snap, 'assets');
  const images: { image: string; labels: string[] }[] = [];
  const line = new JsonBytes();
  let next = false;
  const afterKey = opts.after === undefined ? undefined : encodeImageKey(opts.after);
  let passed = afterKey === undefined;
  const plan = await filter.plan(mapContent ?? undefined);
  // A scan starts at the cursor's image (not at the first label): a page costs the labels
  // from there to the page's end, not every label before it. Index plans look up their
  // candidates, and skip those before the cursor.
  const batches =
    plan.access === 'scan' && afterKey !== undefined
      ? scanFromCursor(repo, snap, tuplePrefixRange([opts.after!]).end, filter, mapContent)
      : filter.batches(mapContent ?? undefined);
  try {
    scan: for await (const batch of batches) {
      for (const e of batch) {
        const { image } = decodeRecordKey(e.key);
        // Key order (UTF-8 bytes of the tuple encoding), not JS string order.
        if (!passed) {
          if (compareBytes(encodeImageKey(image), afterKey!) <= 0) continue;
          passed = true;
        }
        let current = images[images.length - 1];
        if (current?.image !== image) {
          if (images.length === opts.limit) {
            next = true;
            break scan;
          }
          current = { image, labels: [] };
          images.push(current);
        }
        renderLine(line, e.key, e.label, e.review);
        current.labels.push(line.take().toString('utf8'));
      }
    }
  } finally {
    await batches.return(undefined);
  }
  const withAssets: ImagePageEntry[] = [];
  for (const i of images) {
    const value = await getValue(repo.nodes, assets, encodeImageKey(i.image));
    withAssets.push({ ...i, asset: value ? decodeAssetRecord(value) : undefined });
  }
  const last = images[images.length - 1];
  return { images: withAssets, ...(next && last ? { next: last.image } : {}) };
}

/**
 * The matching labels with their reviews from `start` on, in key order (a scan plan's pages):
 * the labels, reviews and every tree the filter joins are read from `start`, so a page deep in
 * the snapshot costs what it reads from there.
 */
async function* scanFromCursor(
  repo: Repository,
  snap: Snapshot,
  start: Uint8Array,
  filter: LabelFilter,
  mapContent: ContentBytesMapper | null,
): AsyncGenerator<LabelEntry[]> {
  const matcher = filter.matcher(start);
  const reviews = new ReviewCursor(scanLeaves(repo.nodes, treeRoot(snap, 'reviews'), { start }));
  for await (const run of scanLeaves(repo.nodes, treeRoot(snap, 'labels'), { start })) {
    const batch: LabelEntry[] = [];
    for (let i = run.from; i < run.to; i++) {
      const key = run.keys[i]!;
      const label = mapContent ? mapContent(run.values[i]!) : run.values[i]!;
      const found = reviews.valueAt(key);
      const review = found instanceof Promise ? await found : found;
      const ok = matcher.test(key, label, review);
      if (ok instanceof Promise ? await ok : ok) batch.push({ key, label, review });
    }
    if (batch.length > 0) yield batch;
  }
}
