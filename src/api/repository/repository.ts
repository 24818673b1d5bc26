/**
 * The composition root (layer: api): `createRepository` composes a repository from its
 * backends, clock, identity and limits; `openRepository` and `openBackends` (for `init`) open
 * the embedded backends of a repository folder and hand them to it.
 *
 * Layout of `DIR/.verso/`: `chunks/` (LMDB ChunkStore), `catalog.sqlite` (SqliteCatalog),
 * `blobs/` (FsBlobStore), `tmp/` (scratch space for sorts; per-process folders, removed when
 * their process is gone). Backends are chosen here and nowhere else.
 *
 * The blob folder can live outside the repository and be shared by several repositories (one
 * copy of each image across them): `verso init --blob-store DIR` records its absolute path
 * under the catalog config key `blob_store` (`BLOB_STORE_CONFIG`).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RepositoryNotFoundError } from '../../core/errors.js';
import { SqliteCatalog } from '../../catalog/sqlite/sqlite-catalog.js';
import { CatalogDamagedError } from '../../catalog/sqlite/sqlite-catalog-file.js';
import { ChunkStoreDamagedError } from '../../store/lmdb/lmdb-file-check.js';
import { damagedCatalog, damagedChunkStore } from './repository-damage.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { BlobStore } from '../../store/blob-store.js';
import type { ChunkStore } from '../../store/chunk-store.js';
import { FsBlobStore } from '../../store/fs/fs-blob-store.js';
import { LmdbChunkStore } from '../../store/lmdb/lmdb-chunk-store.js';
import { NodeStore } from '../../tree/node-store.js';
import { isProcessAlive } from './process-liveness.js';
import { osIdentity, systemClock, type Clock, type Identity } from './identity.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';

export const VERSO_DIR = '.verso';
/** Catalog config key: absolute path of a blob folder outside `.verso/` (absent: `.verso/blobs`). */
export const BLOB_STORE_CONFIG = 'blob_store';

export interface Repository {
  /** The folder that holds `.verso/`. */
  readonly root: string;
  readonly chunks: ChunkStore;
  readonly nodes: NodeStore;
  readonly catalog: Catalog;
  readonly blobs: BlobStore;
  /** Stamps commits, decisions and records; "now" for queries. */
  readonly clock: Clock;
  /** The author of commits and ref moves that name none. */
  readonly identity: Identity;
  readonly limits: Limits;
  /** A fresh scratch folder for this process, removed by `close`. */
  scratchDir(): string;
  close(): Promise<void>;
}

/** What a caller may choose when opening or creating a repository (defaults: the system's). */
export interface RepositoryOptions {
  readonly clock?: Clock;
  readonly identity?: Identity;
  readonly limits?: Partial<Limits>;
}

/** Everything a repository is composed of; backends are opened by the caller. */
export interface RepositoryDeps extends RepositoryOptions {
  readonly root: string;
  readonly chunks: ChunkStore;
  readonly catalog: Catalog;
  readonly blobs: BlobStore;
  /** Where `scratchDir` makes this process's folder (default: `.verso/tmp` under `root`). */
  readonly scratchRoot?: string;
}

export function versoDir(root: string): string {
  return join(root, VERSO_DIR);
}

/**
 * The repository at `start` or the nearest folder above it that has `.verso/` with a catalog or
 * a chunk store (a repository whose catalog is gone is found, and refused as damaged).
 */
export function findRepositoryRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    const base = join(dir, VERSO_DIR);
    if (existsSync(join(base, 'catalog.sqlite')) || existsSync(join(base, 'chunks'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new RepositoryNotFoundError(start);
    dir = up;
  }
}

/**
 * Opens an existing repository. Both backends are checked before use and nothing is written:
 * a damaged catalog or chunk store is `RepositoryDamagedError` (`repository-damage.ts`).
 */
export async function openRepository(
  root: string,
  options: RepositoryOptions = {},
): Promise<Repository> {
  const base = versoDir(root);
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
  const scratchRoot = join(base, 'tmp');
  removeDeadScratch(scratchRoot);
  return createRepository({ ...options, root, catalog, chunks, blobs, scratchRoot });
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
