/**
 * Byte-string ordering for tree keys (layer: tree).
 *
 * The tree orders keys as unsigned bytes, lexicographically; higher layers choose encodings
 * (see core/tuple.ts) whose byte order is the order they want.
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
