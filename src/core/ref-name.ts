/**
 * Branch and tag names (layer: core).
 *
 * Git-like rules so names are safe in URLs, shells and file systems: letters, digits and
 * `._/-`, starting with a letter or digit, no `..`, `//`, trailing `/` or `.`, at most 200 chars,
 * and not a full 64-hex commit id. A name that also reads as a short commit id is fine: refs win
 * over id prefixes when resolving. `RefName` is created only here.
 */
import { InvalidArgumentError } from './errors.js';

declare const refNameBrand: unique symbol;
export type RefName = string & { readonly [refNameBrand]: true };

const ALLOWED = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const LOOKS_LIKE_COMMIT = /^[0-9a-f]{64}$/;

export function parseRefName(name: string, what: 'branch' | 'tag' = 'branch'): RefName {
  const fail = (why: string) => new InvalidArgumentError(`${what} name`, name, why);
  if (name.length === 0 || name.length > 200) throw fail('must be 1-200 characters');
  if (!ALLOWED.test(name))
    throw fail('use letters, digits and . _ / -, starting with a letter or digit');
  if (name.includes('..') || name.includes('//')) throw fail("must not contain '..' or '//'");
  if (name.endsWith('/') || name.endsWith('.')) throw fail("must not end with '/' or '.'");
  if (LOOKS_LIKE_COMMIT.test(name)) throw fail('must not be a commit id');
  return name as RefName;
}
