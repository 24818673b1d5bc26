/**
 * `verso cat REF`: every label of a snapshot as native JSONL, in key order (layer: api).
 *
 * The labels and reviews trees (both keyed by (image, label)) are walked leaf by leaf and
 * joined; each line is `{"image","label",...content,"review":{...}}`, which `verso import
 * labels` reads back to the same trees. Output comes as byte blocks of whole lines, rendered
 * straight from the canonical encoding (`core/canonical-json.ts`). With `schema: X` each label's
 * content is first mapped from the snapshot's schema version to X (`schema-projection.ts`);
 * without it the values are rendered as stored. With `where` (or a compiled `filter`) only the
 * labels matching the filter are printed, found by the filter's plan (`query-filter.ts`: a scan,
 * or index / change-set candidates; the filter sees the content as printed, so after a schema
 * mapping).
 *
 * A plain read (no schema, no filter) of a big snapshot on a store other threads can open
 * (`ChunkStore.threadReader`) is rendered by worker threads, a key range each, and yielded in
 * key order (`cat-parallel.ts`): the same bytes, on every core.
 */
import { JsonBytes, renderJson, renderObjectMembers } from '../../core/canonical-json.js';
import type { NodeStore } from '../../tree/node-store.js';
import { scanLeaves, type KeyRange } from '../../tree/read.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { parallelCatBlocks } from './cat-parallel.js';
import { ReviewCursor } from './label-review-scan.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import type { LabelFilter } from '../query/query-filter.js';
import type { ContentBytesMapper } from '../schema/schema-projection.js';

const BLOCK_BYTES = 1 << 20;
const IMAGE_PREFIX = Buffer.from('{"image":');
const LABEL_PREFIX = Buffer.from(',"label":');
const REVIEW_PREFIX = Buffer.from(',"review":');

/** Blocks of JSONL bytes (each a whole number of '\n'-terminated lines) of every label at `refSpec`. */
export async function* catLabelBlocks(
  repo: Repository,
  refSpec: string,
  opts: {
    readonly schema?: string;
    readonly mapContent?: ContentBytesMapper;
    readonly where?: string;
    readonly filter?: LabelFilter;
  } = {},
): AsyncGenerator<Buffer> {
  const { snap } = await snapshotAtRef(repo, refSpec);
  const mapValue =
    opts.mapContent ??
    (opts.schema === undefined
      ? null
      : await (
          await import('../schema/schema-projection.js')
        ).contentBytesMapper(repo, snap.schema, opts.schema));
  const filter =
    opts.filter ??
    (opts.where === undefined
      ? undefined
      : await (
          await import('../query/query-filter.js')
        ).compileLabelFilter(repo, snap, opts.where));
  if (filter) {
    const out = new JsonBytes();
    for await (const batch of filter.batches(mapValue ?? undefined)) {
      for (const e of batch) renderLine(out, e.key, e.label, e.review);
      if (out.length >= BLOCK_BYTES) yield out.take();
    }
    if (out.length > 0) yield out.take();
    return;
  }
  const [labels, reviews] = [treeRoot(snap, 'labels'), treeRoot(snap, 'reviews')];
  const parallel = mapValue ? undefined : await parallelCatBlocks(repo, labels, reviews);
  yield* parallel ?? labelRangeBlocks(repo.nodes, labels, reviews, {}, mapValue ?? undefined);
}

/**
 * JSONL blocks of the labels of `range` with their reviews, in key order: the plain scan, on
 * this thread or on a worker of `cat-parallel.ts` (which gives each worker a range).
 */
export async function* labelRangeBlocks(
  nodes: NodeStore,
  labelsRoot: Uint8Array,
  reviewsRoot: Uint8Array,
  range: KeyRange = {},
  mapValue?: ContentBytesMapper,
): AsyncGenerator<Buffer> {
  const out = new JsonBytes();
  const reviews = new ReviewCursor(scanLeaves(nodes, reviewsRoot, range));
  for await (const run of scanLeaves(nodes, labelsRoot, range)) {
    for (let i = run.from; i < run.to; i++) {
      const key = run.keys[i]!;
      const value = mapValue ? mapValue(run.values[i]!) : run.values[i]!;
      const found = reviews.valueAt(key);
      renderLine(out, key, value, found instanceof Promise ? await found : found);
    }
    if (out.length >= BLOCK_BYTES) yield out.take();
  }
  if (out.length > 0) yield out.take();
}

/** Lines (without '\n') of every label at `refSpec`. */
export async function* catLabels(repo: Repository, refSpec: string): AsyncGenerator<string> {
  for await (const block of catLabelBlocks(repo, refSpec)) {
    const lines = block.toString('utf8').split('\n');
    lines.pop();
    yield* lines;
  }
}

/** `{"image":..,"label":..,<content members>,"review":{..}}\n` from the key and encoded values. */
export function renderLine(
  out: JsonBytes,
  key: Uint8Array,
  value: Uint8Array,
  review: Uint8Array | undefined,
): void {
  // The key is the tuple (image, label): type byte, UTF-8 with 0x00 escaped as 0x00 0xFF, 0x00.
  const imageEnd = elementEnd(key, 1);
  out.bytes(IMAGE_PREFIX);
  quotedElement(out, key, 1, imageEnd);
  out.bytes(LABEL_PREFIX);
  quotedElement(out, key, imageEnd + 2, elementEnd(key, imageEnd + 2));
  const mark = out.length;
  out.byte(0x2c);
  if (renderObjectMembers(value, out) === 0) out.truncate(mark);
  if (review) {
    out.bytes(REVIEW_PREFIX);
    renderJson(review, out);
  }
  out.byte(0x7d);
  out.byte(0x0a);
}

/** Index of the terminating 0x00 of the tuple element starting at `start`. */
function elementEnd(key: Uint8Array, start: number): number {
  let i = start;
  for (;;) {
    i = key.indexOf(0, i);
    if (i < 0) return key.length;
    if (key[i + 1] !== 0xff) return i;
    i += 2;
  }
}

function quotedElement(out: JsonBytes, key: Uint8Array, start: number, end: number): void {
  const zero = key.indexOf(0, start);
  if (zero >= 0 && zero < end) {
    const unescaped = Buffer.from(key.subarray(start, end))
      .toString('latin1')
      .replaceAll('\u0000\u00ff', '\u0000');
    out.text(JSON.stringify(Buffer.from(unescaped, 'latin1').toString('utf8')));
  } else out.quoted(key, start, end);
}
