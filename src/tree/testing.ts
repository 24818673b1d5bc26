/**
 * Test support for the tree layer: a sorted-Map model and entry generators (tests only).
 */
import fc from 'fast-check';
import { MemoryChunkStore } from '../store/memory/memory-chunk-store.js';
import { VerifyingChunkStore } from '../store/verifying-chunk-store.js';
import { compareBytes } from './bytes.js';
import { NodeStore } from './node-store.js';

export type Model = Map<string, string>;

export const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
export const dec = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

export function freshNodes(): NodeStore {
  // Every chunk the tests read is re-hashed, as the embedded store does on every read.
  return new NodeStore(new VerifyingChunkStore(new MemoryChunkStore()), 1 << 20);
}

export function sortedEntries(model: Model): Array<[Uint8Array, Uint8Array]> {
  return [...model]
    .map(([k, v]) => [enc(k), enc(v)] as [Uint8Array, Uint8Array])
    .sort((a, b) => compareBytes(a[0], b[0]));
}

/** Keys from a small alphabet so that random edits hit existing keys often. */
export const keyArb = fc.stringMatching(/^[a-f0-9]{1,6}$/);
/** Values of varied size: boundaries must survive value-size changes too. */
export const valueArb = fc.oneof(
  fc.string({ minLength: 0, maxLength: 20 }),
  fc.string({ minLength: 100, maxLength: 400 }),
);
/** Models of up to `maxKeys` entries, sized across the whole range (multi-level trees included). */
export const modelArb = (maxKeys: number) =>
  fc.dictionary(keyArb, valueArb, { maxKeys, size: 'max' }).map((d) => new Map(Object.entries(d)));
