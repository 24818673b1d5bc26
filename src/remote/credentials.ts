/**
 * The token a remote is called with (layer: remote): `VERSO_TOKEN` when set, else the entry of
 * the credentials file (JSON: remote URL -> token; the longest URL that is a prefix of the
 * remote's wins, so one entry can serve every repository of a server). The file must be
 * private: one that its group or others can read (any of mode 077) is refused, with the
 * `chmod 600` to run, rather than used. A missing file means no token.
 */
import { readFileSync, statSync } from 'node:fs';
import { FormatParseError } from '../core/errors.js';
import { CredentialsInsecureError } from './remote-errors.js';

export interface CredentialSources {
  /** `VERSO_TOKEN`. */
  readonly token?: string;
  /** The credentials file's path. */
  readonly file?: string;
}

export function tokenFor(url: string, sources: CredentialSources): string | undefined {
  if (sources.token !== undefined) return sources.token;
  if (sources.file === undefined) return undefined;
  let mode: number;
  try {
    mode = statSync(sources.file).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) !== 0) throw new CredentialsInsecureError(sources.file, mode);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(sources.file, 'utf8'));
  } catch (e) {
    throw new FormatParseError(sources.file, 1, null, `not JSON (${(e as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new FormatParseError(sources.file, 1, null, 'expected an object of URL -> token');
  let best: { prefix: string; token: string } | undefined;
  for (const [prefix, token] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof token !== 'string')
      throw new FormatParseError(sources.file, 1, prefix, 'a token is a string');
    const base = prefix.replace(/\/+$/, '');
    const matches = url === base || url.startsWith(`${base}/`);
    if (matches && (!best || base.length > best.prefix.length)) best = { prefix: base, token };
  }
  return best?.token;
}
