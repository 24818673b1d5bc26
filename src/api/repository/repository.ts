/**
 * What a repository is (layer: api): the `Repository` every verb takes, the options it is
 * composed with, and where a repository folder's parts live. Composing and opening one is
 * `compose.ts` (the composition root).
 *
 * Layout of `DIR/.verso/`: `chunks/` (LMDB ChunkStore), `catalog.sqlite` (SqliteCatalog),
 * `blobs/` (FsBlobStore), `tmp/` (scratch space for sorts; per-process folders, removed when
 * their process is gone). Backends are chosen in `compose.ts` and nowhere else.
 *
 * The blob folder can live outside the repository and be shared by several repositories (one
 * copy of each image across them): `verso init --blob-store DIR` records its absolute path
 * under the catalog config key `blob_store` (`BLOB_STORE_CONFIG`).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RepositoryNotFoundError } from './repository-errors.js';
import type { Catalog } from '../../catalog/catalog.js';
import type { BlobStore } from '../../store/blob-store.js';
import type { ChunkStore } from '../../store/chunk-store.js';
import type { NodeStore } from '../../tree/node-store.js';
import type { CommitMaintainer } from '../write/commit-maintainer.js';
import type { Clock, Identity } from './identity.js';
import type { Limits } from './limits.js';

export const VERSO_DIR = '.verso';
/** Catalog config key: absolute path of a blob folder outside `.verso/` (absent: `.verso/blobs`). */
export const BLOB_STORE_CONFIG = 'blob_store';

/** The branch `verso init` creates and `branch create` starts from by default. */
export const DEFAULT_BRANCH = 'main';

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
  /** The commit-time maintainers of derived data, run in order by `write/derived-data.ts`. */
  readonly maintainers: readonly CommitMaintainer<Repository>[];
  /** A fresh scratch folder for this process, removed by `close`. */
  scratchDir(): string;
  close(): Promise<void>;
}

/** What a caller may choose when opening or creating a repository (defaults: the system's). */
export interface RepositoryOptions {
  readonly clock?: Clock;
  readonly identity?: Identity;
  readonly limits?: Partial<Limits>;
  /** Default: the secondary indexes, then blame (`compose.ts`, `STANDARD_MAINTAINERS`). */
  readonly maintainers?: readonly CommitMaintainer<Repository>[];
  /**
   * How long a lease lives without its holder's heartbeat, for backends whose leases expire
   * (PostgreSQL; default 30 000 ms). Embedded backends ignore it.
   */
  readonly leaseTtlMs?: number;
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
 * Whether the `.verso/` folder `base` holds a repository: an embedded catalog or chunk store (a
 * repository whose catalog is gone counts, to be refused as damaged), or the backends file of a
 * repository on PostgreSQL + S3.
 */
export function holdsRepository(base: string): boolean {
  return (
    existsSync(join(base, 'catalog.sqlite')) ||
    existsSync(join(base, 'chunks')) ||
    existsSync(join(base, 'backends.json'))
  );
}

/**
 * The repository at `start` or the nearest folder above it that has `.verso/` with a catalog or
 * a chunk store (a repository whose catalog is gone is found, and refused as damaged). When
 * there is none, the error names `shownAs` (the folder as the user gave it).
 */
export function findRepositoryRoot(start: string, shownAs: string = start): string {
  let dir = resolve(start);
  for (;;) {
    const base = join(dir, VERSO_DIR);
    if (holdsRepository(base)) return dir;
    const up = dirname(dir);
    if (up === dir) throw new RepositoryNotFoundError(shownAs);
    dir = up;
  }
}
