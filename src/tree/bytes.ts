/**
 * Byte-string ordering for tree keys (layer: tree).
 *
 * The tree orders keys as unsigned bytes, lexicographically; higher layers choose encodings
 * (see core/tuple.ts) whose byte order is the order they want.
 */
/**
 * -1, 0 or 1 as `Buffer.compare` returns them. Keys are short (tens of bytes) and usually
 * differ early, so a plain loop beats the native call's fixed cost (measured: the merge of a
 * 500-edit batch compares ~200k key pairs).
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length > 64) return Buffer.compare(a, b) === 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
