/**
 * The composition root (layer: api): `createRepository` composes a repository from its
 * backends, clock, identity, limits and commit-time maintainers; `openRepository` and
 * `openBackends` (for `init`) open the embedded backends of a repository folder and hand them
 * to it. Backends are chosen here and nowhere else, and the derived-data maintainers are
 * registered here, so the commit pipeline (`write/`) depends on neither.
 *
 * Layout of `DIR/.verso/`: `chunks/` (LMDB ChunkStore), `catalog.sqlite` (SqliteCatalog),
 * `blobs/` (FsBlobStore, or the folder under the catalog config key `blob_store`), `tmp/`
 * (scratch space for sorts; per-process folders, removed when their process is gone).
 * A repository on PostgreSQL + S3 has `backends.json` instead of the catalog, chunks and blobs
 * (`backend-config.ts`), `cache/` and `tmp/`; `remote-backends.ts` opens it.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RepositoryNotFoundError } from './repository-errors.js';
import { readBackendConfig } from './backend-config.js';
import type { Catalog } from '../../catalog/catalog.js';
import { SqliteCatalog } from '../../catalog/sqlite/sqlite-catalog.js';
import { CatalogDamagedError } from '../../catalog/sqlite/sqlite-catalog-file.js';
import type { BlobStore } from '../../store/blob-store.js';
import type { ChunkStore } from '../../store/chunk-store.js';
import { FsBlobStore } from '../../store/fs/fs-blob-store.js';
import { ChunkStoreDamagedError } from '../../store/lmdb/lmdb-file-check.js';
import { LmdbChunkStore } from '../../store/lmdb/lmdb-chunk-store.js';
import { NodeStore } from '../../tree/node-store.js';
import type { CommitMaintainer } from '../write/commit-maintainer.js';
import { osIdentity, systemClock } from './identity.js';
import { DEFAULT_LIMITS } from './limits.js';
import { isProcessAlive } from './process-liveness.js';
import { damagedCatalog, damagedChunkStore } from './repository-damage.js';
import {
  BLOB_STORE_CONFIG,
  versoDir,
  type Repository,
  type RepositoryDeps,
  type RepositoryOptions,
} from './repository.js';

/**
 * A maintainer whose module is imported by its first commit: opening a repository to read
 * (`verso log`, `count`) does not load the index and blame code (CLI start-up, issue 12).
 */
function lazyMaintainer(
  name: string,
  load: () => Promise<CommitMaintainer<Repository>>,
): CommitMaintainer<Repository> {
  return {
    name,
    stage: async (repo, facts) => (await load()).stage(repo, facts),
    pathsToRead: async (repo, parent, keys) =>
      (await (await load()).pathsToRead?.(repo, parent, keys)) ?? [],
  };
}

/** Secondary indexes, then blame: the order commits stage and record their derived data in. */
export const STANDARD_MAINTAINERS: readonly CommitMaintainer<Repository>[] = [
  lazyMaintainer(
    'secondary indexes',
    async () => (await import('../query/tree-index-maintain.js')).treeIndexMaintainer,
  ),
  lazyMaintainer('blame', async () => (await import('../blame/blame-maintain.js')).blameMaintainer),
];

/**
 * Opens an existing repository. Both backends are checked before use and nothing is written:
 * a damaged catalog or chunk store is `RepositoryDamagedError` (`repository-damage.ts`).
 */
export async function openRepository(
  root: string,
  options: RepositoryOptions = {},
): Promise<Repository> {
  const base = versoDir(root);
  const remote = readBackendConfig(base);
  if (remote) {
    const { openRemoteBackends } = await import('./remote-backends.js');
    const backends = await openRemoteBackends(base, remote, {
      ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
    });
    return openWithScratch(root, backends, options);
  }
  const chunksDir = join(base, 'chunks');
  if (!existsSync(join(base, 'catalog.sqlite')) && !existsSync(chunksDir))
    throw new RepositoryNotFoundError(root);
  let catalog: Catalog;
  try {
    catalog = SqliteCatalog.open(join(base, 'catalog.sqlite'), { create: false });
  } catch (e) {
    throw e instanceof CatalogDamagedError ? damagedCatalog(e, chunksDir) : e;
  }
  let chunks: LmdbChunkStore;
  try {
    chunks = await LmdbChunkStore.open(chunksDir, { create: false });
  } catch (e) {
    await catalog.close();
    throw e instanceof ChunkStoreDamagedError ? damagedChunkStore(e) : e;
  }
  return openEmbedded(root, catalog, chunks, options);
}

/** Opens, creating them, the backends of a new repository (`initRepository`). */
export async function openBackends(
  root: string,
  options: RepositoryOptions = {},
): Promise<Repository> {
  const base = versoDir(root);
  mkdirSync(base, { recursive: true });
  const catalog = SqliteCatalog.open(join(base, 'catalog.sqlite'));
  const chunks = await LmdbChunkStore.open(join(base, 'chunks'));
  return openEmbedded(root, catalog, chunks, options);
}

/**
 * The embedded repository over opened backends: the blob folder the catalog names (else
 * `.verso/blobs`), scratch space under `.verso/tmp` (dead processes' folders removed).
 */
export async function openEmbedded(
  root: string,
  catalog: Catalog,
  chunks: ChunkStore,
  options: RepositoryOptions = {},
): Promise<Repository> {
  const base = versoDir(root);
  const blobs = new FsBlobStore(
    (await catalog.getConfig(BLOB_STORE_CONFIG)) ?? join(base, 'blobs'),
  );
  return openWithScratch(root, { catalog, chunks, blobs }, options);
}

/** A repository over opened backends, with scratch space under `.verso/tmp` (dead processes' folders removed). */
export function openWithScratch(
  root: string,
  backends: { readonly catalog: Catalog; readonly chunks: ChunkStore; readonly blobs: BlobStore },
  options: RepositoryOptions = {},
): Repository {
  const scratchRoot = join(versoDir(root), 'tmp');
  removeDeadScratch(scratchRoot);
  return createRepository({ ...options, root, ...backends, scratchRoot });
}

/**
 * The composition root: a repository over the given backends, clock, identity and limits
 * (defaults: the system clock, the OS user, `DEFAULT_LIMITS`). `close` closes the backends.
 */
export function createRepository(deps: RepositoryDeps): Repository {
  const { root, chunks, catalog } = deps;
  const scratchRoot = deps.scratchRoot ?? join(versoDir(root), 'tmp');
  let scratch: string | undefined;
  return {
    root,
    chunks,
    nodes: new NodeStore(chunks),
    catalog,
    blobs: deps.blobs,
    clock: deps.clock ?? systemClock,
    identity: deps.identity ?? osIdentity(),
    limits: { ...DEFAULT_LIMITS, ...deps.limits },
    maintainers: deps.maintainers ?? STANDARD_MAINTAINERS,
    scratchDir() {
      if (!scratch) {
        scratch = join(scratchRoot, `${process.pid}-${Date.now().toString(36)}`);
        mkdirSync(scratch, { recursive: true });
      }
      return scratch;
    },
    async close() {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      await chunks.close();
      await catalog.close();
    },
  };
}
/** Scratch folders are named `<pid>-...`; remove those whose process no longer runs. */
function removeDeadScratch(tmpRoot: string): void {
  if (!existsSync(tmpRoot)) return;
  for (const name of readdirSync(tmpRoot)) {
    const pid = Number(name.split('-')[0]);
    const path = join(tmpRoot, name);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessAlive(pid)) continue;
    try {
      if (statSync(path).isDirectory()) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another process reclaimed it first.
    }
  }
}
