/**
 * A fault of the test S3 server (`s3rver`) that real S3 does not have, worked around for the
 * benchmarks and the tests that start it (layer: bench; imported by `s3-server.ts`, so every
 * s3rver started there has it).
 *
 * Paging: a LIST of more than 1,000 keys answers with a continuation token that `s3rver`
 * encrypts with single DES, which Node 20's OpenSSL 3 no longer offers ("digital envelope
 * routines::unsupported"), so every such LIST fails with 500 InternalError. Single DES is
 * 3DES with one key three times over, which OpenSSL still has: `crypto.createCipheriv('des',
 * ...)` is answered with that (same bytes), for this algorithm name only.
 */
import type * as crypto from 'node:crypto';
import { createRequire } from 'node:module';

type CipherFactory = (
  algorithm: string,
  key: crypto.CipherKey,
  iv: crypto.BinaryLike | null,
) => crypto.Cipher | crypto.Decipher;

// The module object `require('crypto')` returns, which s3rver calls through (an ESM namespace
// object cannot be assigned to).
const patched = createRequire(import.meta.url)('node:crypto') as {
  createCipheriv: CipherFactory;
  createDecipheriv: CipherFactory;
  versoSingleDes?: true;
};
if (!patched.versoSingleDes) {
  const asTripleDes =
    (make: CipherFactory): CipherFactory =>
    (algorithm, key, iv) =>
      algorithm === 'des' && Buffer.isBuffer(key) && key.length === 8
        ? make('des-ede3-cbc', Buffer.concat([key, key, key]), iv)
        : make(algorithm, key, iv);
  patched.createCipheriv = asTripleDes(patched.createCipheriv.bind(patched));
  patched.createDecipheriv = asTripleDes(patched.createDecipheriv.bind(patched));
  patched.versoSingleDes = true;
}
