/**
 * Snapshot, commit and category-list objects as chunks (layer: vcs).
 *
 * An object chunk is one marker byte ('S' snapshot, 'C' commit, 'K' category list) followed by
 * the canonical encoding of the record; its id is the chunk's SHA-256. Markers keep object
 * chunks distinguishable from tree nodes ('P') when verifying or collecting garbage.
 */
import { decodeValue, encodeValue, type JsonValue } from '../core/canonical.js';
import { CorruptionError } from '../core/errors.js';
import { hashToHex, hexToHash, sha256, type ChunkHash } from '../core/hash.js';
import type { ChunkStore } from '../store/chunk-store.js';

export const SNAPSHOT_MARKER = 0x53; // 'S'
export const COMMIT_MARKER = 0x43; // 'C'
export const CATEGORIES_MARKER = 0x4b; // 'K'

const MARKER_NAMES: Readonly<Record<number, string>> = {
  [SNAPSHOT_MARKER]: 'snapshot',
  [COMMIT_MARKER]: 'commit',
  [CATEGORIES_MARKER]: 'category list',
};

export function encodeObject(marker: number, record: unknown): Uint8Array {
  const body = encodeValue(record);
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = marker;
  out.set(body, 1);
  return out;
}

export function decodeObject(marker: number, bytes: Uint8Array, id: string): JsonValue {
  if (bytes[0] !== marker)
    throw new CorruptionError(`chunk ${id} is not a ${MARKER_NAMES[marker] ?? 'known object'}`, {
      id,
    });
  return decodeValue(bytes.subarray(1));
}

export function putObject(chunks: ChunkStore, marker: number, record: unknown): ChunkHash {
  const bytes = encodeObject(marker, record);
  const hash = sha256(bytes);
  chunks.put(hash, bytes);
  return hashToHex(hash);
}

export async function getObject(
  chunks: ChunkStore,
  marker: number,
  id: ChunkHash,
): Promise<JsonValue | undefined> {
  const bytes = await chunks.get(hexToHash(id));
  return bytes ? decodeObject(marker, bytes, id) : undefined;
}
