/**
 * `verso init DIR --catalog postgres://... --store s3://...` (layer: api): a repository whose
 * catalog is in PostgreSQL and whose chunks and images are in an S3 bucket; DIR keeps only the
 * backends file (`backend-config.ts`) and caches. With `attach`, DIR is set up to use a
 * repository that is already there (another server's, another machine's): nothing in the
 * backends is written.
 *
 * Order: both URLs are checked, the backends opened (creating the schema and tables), the
 * repository made (the root commit on `main`, as `init` does), and only then is the backends
 * file written, so a failure leaves DIR without a repository and the backends without a
 * half-made one (the empty schema a failed first `init` may leave is reused by the next).
 */
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, VersoError } from '../../core/errors.js';
import { prepareOutputPath } from '../../io/output-file.js';
import {
  parseCatalogUrl,
  redactUrl,
  writeBackendConfig,
  type BackendConfig,
  type CatalogUrl,
} from './backend-config.js';
import { openWithScratch } from './compose.js';
import { openRemoteBackends } from './remote-backends.js';
import { makeRootCommit } from './root-commit.js';
import { DEFAULT_BRANCH, holdsRepository, versoDir } from './repository.js';
import { RepositoryNotFoundError } from './repository-errors.js';
import type { RepositoryOptions } from './repository.js';
import { getCommit } from '../../vcs/commit.js';
import type { CommitResult } from '../write/commit-to-branch.js';

export interface RemoteInitOptions extends RepositoryOptions {
  /** `postgres://USER[:PASS]@HOST:PORT/DB[?schema=NAME]`. */
  readonly catalog?: string;
  /** `s3://BUCKET/PREFIX`. */
  readonly store?: string;
  /** Use the repository already in these backends instead of making one. */
  readonly attach?: boolean;
  /** Refused here: images go to the bucket. */
  readonly blobStore?: string;
}

export interface RemoteInitResult extends CommitResult {
  readonly root: string;
  readonly branch: string;
  /** The catalog URL as recorded (no password). */
  readonly catalog: string;
  readonly store: string;
  /** True when the repository was already there (`attach`). */
  readonly attached: boolean;
  /** True when the given URL had a password, which was used and not recorded. */
  readonly passwordDropped: boolean;
}

export async function initRemoteRepository(
  dir: string,
  opts: RemoteInitOptions,
): Promise<RemoteInitResult> {
  const root = resolve(dir);
  if (opts.catalog === undefined || opts.store === undefined)
    throw new InvalidArgumentError(
      opts.catalog === undefined ? 'store URL' : 'catalog URL',
      opts.catalog === undefined ? opts.store : redactUrl(opts.catalog),
      'a repository on PostgreSQL + S3 needs both a catalog URL (postgres://...) and a store URL (s3://...)',
      { needs: 'catalog and store' },
    );
  if (opts.blobStore !== undefined)
    throw new InvalidArgumentError(
      'blob folder',
      opts.blobStore,
      'images of a repository on S3 go to its bucket, not to a folder',
    );
  const catalogUrl = parseCatalogUrl(opts.catalog);
  const { formatS3Url, parseS3Url } = await import('../../store/s3/s3-location.js');
  const store = formatS3Url(parseS3Url(opts.store));
  const base = versoDir(root);
  if (holdsRepository(base))
    throw new VersoError(
      'AlreadyExists',
      'REPOSITORY_EXISTS',
      `a Verso repository already exists at ${root}`,
      {
        root,
      },
    );
  const rootExisted = existsSync(root);
  const baseExisted = existsSync(base);
  prepareOutputPath(dir, 'folder');
  const config = { catalog: catalogUrl.shown, store };
  try {
    return await makeOrAttach(root, config, catalogUrl, opts);
  } catch (error) {
    // Nothing of a failed init stays behind: the folder (or its .verso) goes if it made it.
    if (!rootExisted) rmSync(root, { recursive: true, force: true });
    else if (!baseExisted) rmSync(base, { recursive: true, force: true });
    throw error;
  }
}

/** Opens the backends (creating them unless attaching), checks what they hold, writes the config. */
async function makeOrAttach(
  root: string,
  config: BackendConfig,
  catalogUrl: CatalogUrl,
  opts: RemoteInitOptions,
): Promise<RemoteInitResult> {
  const base = versoDir(root);
  const store = config.store;
  const backends = await openRemoteBackends(base, config, {
    create: !opts.attach,
    connectWith: opts.catalog,
    ...(opts.leaseTtlMs !== undefined ? { leaseTtlMs: opts.leaseTtlMs } : {}),
  }).catch((e: unknown) => {
    // --attach to a schema or bucket prefix without a repository: say so in init's terms.
    const code = e instanceof VersoError ? e.code : undefined;
    if (opts.attach && (code === 'CATALOG_NOT_FOUND' || code === 'OBJECT_STORE_NOT_FOUND'))
      throw new RepositoryNotFoundError(`${catalogUrl.shown} + ${store}`);
    throw e;
  });
  const repo = openWithScratch(root, backends, opts);
  try {
    const head = await repo.catalog.getRef(DEFAULT_BRANCH);
    const exists = head !== undefined || (await repo.catalog.getConfig('format')) !== undefined;
    if (exists && !opts.attach)
      throw new VersoError(
        'AlreadyExists',
        'REPOSITORY_EXISTS',
        `${catalogUrl.shown} already holds a Verso repository (nothing was changed)`,
        { root, catalog: catalogUrl.shown, attachable: true },
      );
    if (!exists && opts.attach) throw new RepositoryNotFoundError(catalogUrl.shown);
    let result: CommitResult;
    if (exists) {
      const commit = head!.target;
      result = {
        commit,
        snapshot: (await getCommit(repo.chunks, commit)).snapshot,
        committed: false,
      };
    } else {
      result = await makeRootCommit(repo);
    }
    writeBackendConfig(base, config);
    return {
      root,
      branch: DEFAULT_BRANCH,
      ...result,
      catalog: catalogUrl.shown,
      store,
      attached: exists,
      passwordDropped: catalogUrl.hasPassword,
    };
  } finally {
    await repo.close();
  }
}
