/**
 * The check every chunk read passes: its bytes hash to the name it was asked for (layer: store).
 *
 * Chunks are named by their SHA-256, so a read can prove itself. A chunk that fails (other
 * bytes, or stored bytes that no longer decode) is a `CorruptionError` naming the chunk (`data.hash`;
 * the CLI's hint for it is to run `verso verify`, which walks everything and lists all damage
 * by `data.why`).
 */
import * as crypto from 'node:crypto';
import { CorruptionError } from '../core/errors.js';
import { hashToHex, sha256 } from '../core/hash.js';

export function corruptChunkError(
  hash: Uint8Array,
  why: string,
  data: Record<string, unknown> = {},
): CorruptionError {
  const id = hashToHex(hash);
  return new CorruptionError(
    `chunk ${id} is corrupt: ${why}. The chunk store is damaged and nothing was changed`,
    { hash: id, why, ...data },
  );
}

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer;
/** Node's one-shot `crypto.hash` (Node >= 20.12) skips a Hash object per chunk read. */
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;
const hashOf = oneShot ? (b: Uint8Array) => oneShot('sha256', b, 'buffer') : sha256;

/** Throws `corruptChunkError` unless `bytes` hash to `hash`. */
export function checkChunkHash(hash: Uint8Array, bytes: Uint8Array): void {
  const actual = hashOf(bytes);
  if (Buffer.compare(actual, hash) === 0) return;
  const found = hashToHex(actual);
  const why = `content does not match its hash (its ${bytes.length} bytes hash to ${found})`;
  throw corruptChunkError(hash, why, {
    actual: found,
    size: bytes.length,
  });
}
