/**
 * One blame entry: for a label of a commit, the commits that introduced it, last changed it
 * and last changed its review (layer: dataset, pure).
 *
 * Commits are named by their repository-local number (`DerivedCatalog.commitNumber`), so an
 * entry is a canonical-encoded array of varints, `[introduced, changed]` or
 * `[introduced, changed, review]`: 7 to 12 bytes, against ~40 for an object with member
 * names. `review` is absent while the label has never been reviewed (or its review was
 * removed).
 */
import { decodeValue, encodeValue } from '../core/canonical.js';
import { CorruptionError } from '../core/errors.js';

export interface BlameEntry {
  /** The commit that added the label (after its last absence on the first-parent line). */
  readonly introduced: number;
  /** The last commit that changed the label's content. */
  readonly changed: number;
  /** The last commit that changed the label's review; absent when it has none. */
  readonly review?: number;
}

export function encodeBlameEntry(e: BlameEntry): Uint8Array {
  return encodeValue(
    e.review === undefined ? [e.introduced, e.changed] : [e.introduced, e.changed, e.review],
  );
}

export function decodeBlameEntry(bytes: Uint8Array): BlameEntry {
  const v = decodeValue(bytes);
  if (!Array.isArray(v) || (v.length !== 2 && v.length !== 3) || !v.every(isCommitNumber))
    throw new CorruptionError('malformed blame entry', {
      entry: Buffer.from(bytes).toString('hex'),
    });
  const [introduced, changed, review] = v as number[];
  return review === undefined
    ? { introduced: introduced!, changed: changed! }
    : { introduced: introduced!, changed: changed!, review };
}

const isCommitNumber = (x: unknown): boolean =>
  typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
