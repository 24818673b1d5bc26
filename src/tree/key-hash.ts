/**
 * 32-bit key hash for chunk boundaries (layer: tree).
 *
 * MurmurHash3 (x86, 32-bit), seeded per tree level. Boundary choice needs a fast, well-mixed,
 * deterministic hash of short keys, not a cryptographic one; SHA-256 per key would cost more
 * than the rest of the build. Changing this function changes every tree hash: the golden-hash
 * test pins it.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

export function murmur3(key: Uint8Array, seed: number): number {
  let h = seed >>> 0;
  const n = key.length;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = n & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= key[blocks + 2]! << 16;
    if (tail >= 2) k ^= key[blocks + 1]! << 8;
    k ^= key[blocks]!;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
