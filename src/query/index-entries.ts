/**
 * What a secondary index holds (layer: query): the index entries of one record of an indexed
 * tree, and the key ranges that answer a comparison. Kept next to the evaluator so the index
 * and the filter agree on what a value is.
 *
 * Indexed fields per tree: labels -> `class`, `annotator`; reviews -> `review.status`,
 * `review.reviewer`, `review.at`; splits -> `split` (keyed by image). (`annotated_at` is not
 * indexed: nearly every edit changes it, so it would double the index work of each commit.)
 * An entry's key is the tuple (field, bucket, value) followed by the source key (image, label),
 * its value empty. Buckets:
 * - `t` (date fields only): values that parse as an instant (`instantOf`), as the fixed-width
 *   decimal of epoch ms + 1e15, so byte order is time order;
 * - `s`: any other string, as written;
 * - `o`: any other value except null (numbers, booleans, arrays, objects), as JSON.
 * Absent and null values have no entry (no comparison matches them; `exists` is not indexed).
 */
import { decodeValue, type JsonValue } from '../core/canonical.js';
import { selectMembers } from '../core/canonical-members.js';
import { encodeTuple, tuplePrefixRange } from '../core/tuple.js';
import { instantOf } from './evaluate.js';

/** Bump when the entry layout changes: indexes of another format are ignored and rebuilt. */
export const INDEX_FORMAT = 2;

export type IndexedTree = 'labels' | 'reviews' | 'splits';
export const INDEXED_TREES: readonly IndexedTree[] = ['labels', 'reviews', 'splits'];

export interface IndexedField {
  /** The filter's field name (`fields.ts`). */
  readonly field: string;
  readonly tree: IndexedTree;
  /** The top-level member of the stored object; null: the stored value itself (splits). */
  readonly member: string | null;
  readonly date: boolean;
}

export const INDEXED_FIELDS: readonly IndexedField[] = [
  { field: 'class', tree: 'labels', member: 'category', date: false },
  { field: 'annotator', tree: 'labels', member: 'annotator', date: false },
  { field: 'review.status', tree: 'reviews', member: 'status', date: false },
  { field: 'review.reviewer', tree: 'reviews', member: 'reviewer', date: false },
  { field: 'review.at', tree: 'reviews', member: 'reviewed_at', date: true },
  { field: 'split', tree: 'splits', member: null, date: false },
];

export function indexedField(field: string): IndexedField | undefined {
  return INDEXED_FIELDS.find((f) => f.field === field);
}

const FIELDS_OF: ReadonlyMap<IndexedTree, readonly IndexedField[]> = new Map(
  INDEXED_TREES.map((t) => [t, INDEXED_FIELDS.filter((f) => f.tree === t)]),
);

export type Bucket = 't' | 's' | 'o';

const INSTANT_OFFSET = 1e15;

/** Fixed-width text of an instant: byte order = time order (for years -29719 to 287396). */
export function instantText(ms: number): string {
  return String(Math.floor(ms) + INSTANT_OFFSET).padStart(17, '0');
}

function bucketOf(f: IndexedField, v: JsonValue): [Bucket, string] {
  if (typeof v === 'string') {
    const t = f.date ? instantOf(v) : undefined;
    return t === undefined ? ['s', v] : ['t', instantText(t)];
  }
  return ['o', JSON.stringify(v)];
}

/** The index keys of one entry (`sourceKey` -> `value`) of tree `tree`. */
export function indexKeysOf(
  tree: IndexedTree,
  sourceKey: Uint8Array,
  value: Uint8Array,
): Uint8Array[] {
  return indexPrefixesOf(tree, value).map((p) => Buffer.concat([p, sourceKey]));
}

/** The (field, bucket, value) tuples that head the index keys of a record with `value`. */
export function indexPrefixesOf(tree: IndexedTree, value: Uint8Array): Uint8Array[] {
  const fields = FIELDS_OF.get(tree)!;
  const values: (JsonValue | undefined)[] =
    fields[0]!.member === null
      ? [decodeValue(value)]
      : selectMembers(
          value,
          fields.map((f) => f.member!),
        );
  const prefixes: Uint8Array[] = [];
  fields.forEach((f, i) => {
    const v = values[i];
    if (v === undefined || v === null) return;
    const [bucket, text] = bucketOf(f, v);
    prefixes.push(encodeTuple([f.field, bucket, text]));
  });
  return prefixes;
}

export interface IndexRange {
  readonly start: Uint8Array;
  readonly end: Uint8Array;
}

/** Entries of `field` whose value is exactly the string `text`. */
export function exactRange(field: string, text: string): IndexRange {
  return tuplePrefixRange([field, 's', text]);
}

/** Every entry of one bucket of `field`. */
export function bucketRange(field: string, bucket: Bucket): IndexRange {
  return tuplePrefixRange([field, bucket]);
}

/** Instant entries of a date field in [from, to) epoch ms (to may be +Infinity). */
export function instantRange(field: string, from: number, to: number): IndexRange {
  const all = bucketRange(field, 't');
  return {
    start: Number.isFinite(from) ? encodeTuple([field, 't', instantText(from)]) : all.start,
    end: Number.isFinite(to) ? encodeTuple([field, 't', instantText(to)]) : all.end,
  };
}

/** The source key of an index key: what follows the (field, bucket, value) tuple. */
export function sourceKeyOf(indexKey: Uint8Array): Uint8Array {
  let i = 0;
  for (let element = 0; element < 3; element++) {
    i++; // type byte
    while (!(indexKey[i] === 0 && indexKey[i + 1] !== 0xff)) i += indexKey[i] === 0 ? 2 : 1;
    i++; // terminator
  }
  return indexKey.subarray(i);
}
