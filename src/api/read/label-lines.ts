/**
 * Labels as native JSONL lines, rendered straight from their stored bytes (layer: api): one
 * label with its review (`renderLine`), and the blocks of a key range of a snapshot
 * (`labelRangeBlocks`). What `cat` runs on its own thread and what each of its worker threads
 * runs (`cat-worker.ts`), so this module imports only what rendering needs: a worker starts by
 * loading it.
 */
import { JsonBytes, renderJson, renderObjectMembers } from '../../core/canonical-json.js';
import type { NodeStore } from '../../tree/node-store.js';
import { scanLeaves, type KeyRange } from '../../tree/read.js';
import { ReviewCursor } from './label-review-scan.js';
import type { ContentBytesMapper } from '../schema/schema-projection.js';

/** Blocks are yielded once they pass this many bytes (whole lines each). */
export const BLOCK_BYTES = 1 << 20;
const IMAGE_PREFIX = Buffer.from('{"image":');
const LABEL_PREFIX = Buffer.from(',"label":');
const REVIEW_PREFIX = Buffer.from(',"review":');

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
