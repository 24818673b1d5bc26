/**
 * Content hashing (layer: core).
 *
 * Every chunk, snapshot and commit is named by the SHA-256 of its bytes. In memory a hash is a
 * 32-byte `Uint8Array`; at the edges (CLI, catalog, JSON) it is the 64-char lowercase hex
 * `ChunkHash` brand, created only by `sha256Hex`, `hashToHex` or `parseChunkHash`.
 */
import * as nodeCrypto from 'node:crypto';
import { InvalidArgumentError } from './errors.js';

export const HASH_BYTES = 32;

declare const chunkHashBrand: unique symbol;
/** 64 lowercase hex chars: the SHA-256 of a stored chunk. */
export type ChunkHash = string & { readonly [chunkHashBrand]: true };

/**
 * `crypto.hash` exists from Node 20.12 (package.json allows any Node 20); read from the module
 * object, because a named import of a missing export fails to link on older releases.
 */
const oneShotHash = (
  nodeCrypto as {
    hash?: {
      (algorithm: string, data: Uint8Array, encoding: 'buffer'): Buffer;
      (algorithm: string, data: string, encoding: 'hex'): string;
    };
  }
).hash;

/** One-shot (`crypto.hash`): no Hash object per call; every chunk written or read is hashed. */
export function sha256(bytes: Uint8Array): Uint8Array {
  if (oneShotHash) return oneShotHash('sha256', bytes, 'buffer');
  return nodeCrypto.createHash('sha256').update(bytes).digest();
}

export function hashToHex(hash: Uint8Array): ChunkHash {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex') as ChunkHash;
}

export function hexToHash(hex: ChunkHash): Uint8Array {
  return Buffer.from(hex, 'hex');
}

export function sha256Hex(bytes: Uint8Array): ChunkHash {
  return hashToHex(sha256(bytes));
}

/** The SHA-256 of `text`'s UTF-8 bytes, as hex (lineage ids: one a prediction recorded). */
export function sha256HexOfText(text: string): string {
  if (oneShotHash) return oneShotHash('sha256', text, 'hex');
  return nodeCrypto.createHash('sha256').update(text).digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;

export function isChunkHash(s: string): s is ChunkHash {
  return HEX64.test(s);
}

export function parseChunkHash(s: string): ChunkHash {
  if (!isChunkHash(s)) throw new InvalidArgumentError('hash', s, 'expected 64 lowercase hex chars');
  return s;
}
