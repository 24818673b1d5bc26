/**
 * Token secrets (layer: api): 32 random bytes (256 bits) in base64url behind the prefix
 * `verso_`, so a leaked token is recognisable (secret scanners, logs). Only the SHA-256 of the
 * whole text is stored; a secret is looked up by that hash, so no stored secret is ever
 * compared (and there is no timing side channel to close).
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'verso_';
const SECRET_BYTES = 32;
/** `verso_` and 43 base64url characters (32 bytes, unpadded). */
const TOKEN_SHAPE = /^verso_[A-Za-z0-9_-]{43}$/;

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
}

/** Whether `text` has the shape of a token this code made (cheap refusal before a lookup). */
export function looksLikeToken(text: string): boolean {
  return TOKEN_SHAPE.test(text);
}

/** SHA-256 of the secret's UTF-8 text, lowercase hex: what the catalog stores. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
