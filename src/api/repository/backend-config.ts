/**
 * Where a repository's state lives when it is not in its own folder (layer: api): the
 * `.verso/backends.json` of a repository on PostgreSQL + S3 (issue 14).
 *
 *   { "format": "verso-backends", "version": 1,
 *     "catalog": "postgres://USER@HOST:PORT/DB?schema=NAME", "store": "s3://BUCKET/PREFIX" }
 *
 * The folder then holds only this file and caches (`cache/`, `tmp/`); refs, commits and the
 * rest of the catalog are in PostgreSQL, chunks and images in the bucket. Secrets never go into
 * the file: a password in the catalog URL is used for `init` and dropped (later commands take it
 * from `PGPASSWORD` or `~/.pgpass`, as every PostgreSQL client does); S3 credentials come from
 * the AWS SDK's environment variables and config files. The file is written atomically (temp
 * file, fsync, rename), after the backends hold a repository.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, VersoError } from '../../core/errors.js';

export const BACKENDS_FILE = 'backends.json';

export interface BackendConfig {
  /** `postgres://USER@HOST:PORT/DB[?schema=NAME]`, never with a password. */
  readonly catalog: string;
  /** `s3://BUCKET[/PREFIX]`. */
  readonly store: string;
}

/** A PostgreSQL URL taken apart: the URL to connect with and the schema of the repository. */
export interface CatalogUrl {
  /** What `pg` connects with (the password, if the user gave one, included). */
  readonly connectionString: string;
  /** The same without the password: what is recorded and shown. */
  readonly shown: string;
  readonly schema: string;
  readonly hasPassword: boolean;
}

const DEFAULT_SCHEMA = 'verso';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Parses a catalog URL: a `postgres://` or `postgresql://` URL, with an optional `?schema=`. */
export function parseCatalogUrl(text: string): CatalogUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(
      'catalog URL',
      redactUrl(text),
      'expected postgres://USER@HOST:PORT/DB',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new InvalidArgumentError(
      'catalog URL',
      redactUrl(text),
      `the scheme must be postgres:// (got ${url.protocol}//)`,
    );
  if (!url.hostname || url.pathname.length <= 1)
    throw new InvalidArgumentError(
      'catalog URL',
      redactUrl(text),
      'it needs a host and a database: postgres://USER@HOST:PORT/DB',
    );
  const schema = url.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(schema))
    throw new InvalidArgumentError(
      'catalog schema',
      schema,
      'expected lowercase letters, digits and _ (a PostgreSQL identifier, at most 63 chars)',
    );
  const hasPassword = url.password !== '';
  url.searchParams.delete('schema');
  const connectionString = url.toString();
  const shownUrl = new URL(connectionString);
  shownUrl.password = '';
  shownUrl.searchParams.set('schema', schema);
  return { connectionString, shown: shownUrl.toString(), schema, hasPassword };
}

/** `text` with any password in it replaced by `***` (for error messages). */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/i, '$1:***@');
}

/** The backends recorded in the repository folder `base` (`.verso/`), if it has that file. */
export function readBackendConfig(base: string): BackendConfig | undefined {
  const file = join(base, BACKENDS_FILE);
  if (!existsSync(file)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw badConfig(file, `not JSON (${(e as Error).message})`);
  }
  const d = doc as Partial<BackendConfig> & { format?: unknown };
  if (
    d?.format !== 'verso-backends' ||
    typeof d.catalog !== 'string' ||
    typeof d.store !== 'string'
  )
    throw badConfig(file, 'expected {"format": "verso-backends", "catalog": ..., "store": ...}');
  return { catalog: d.catalog, store: d.store };
}

/** Records the backends in `base` (`.verso/`), atomically. */
export function writeBackendConfig(base: string, config: BackendConfig): void {
  mkdirSync(base, { recursive: true });
  const file = join(base, BACKENDS_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  const doc = { format: 'verso-backends', version: 1, ...config };
  writeFileSync(temp, JSON.stringify(doc, null, 2) + '\n');
  const fd = openSync(temp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  const dir = openSync(base, 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function badConfig(file: string, why: string): VersoError {
  return new VersoError('Corruption', 'REPOSITORY_DAMAGED', `${file}: ${why}`, { file });
}
