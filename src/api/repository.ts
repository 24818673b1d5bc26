/**
 * The composition root: opens a repository folder and wires the embedded backends
 * (layer: api).
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
import { RepositoryNotFoundError } from '../core/errors.js';
import { SqliteCatalog } from '../catalog/sqlite-catalog.js';
import type { Catalog } from '../catalog/catalog.js';
import type { BlobStore } from '../store/blob-store.js';
import type { ChunkStore } from '../store/chunk-store.js';
import { FsBlobStore } from '../store/fs-blob-store.js';
import { LmdbChunkStore } from '../store/lmdb-chunk-store.js';
import { NodeStore } from '../tree/node-store.js';
import { isProcessAlive } from './process-liveness.js';

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
  /** A fresh scratch folder for this process, removed by `close`. */
  scratchDir(): string;
  close(): Promise<void>;
}

export function versoDir(root: string): string {
  return join(root, VERSO_DIR);
}

/** The repository at `start` or the nearest folder above it that has `.verso/`. */
export function findRepositoryRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, VERSO_DIR, 'catalog.sqlite'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new RepositoryNotFoundError(start);
    dir = up;
  }
}

export async function openRepository(root: string): Promise<Repository> {
  const base = versoDir(root);
  if (!existsSync(join(base, 'catalog.sqlite'))) throw new RepositoryNotFoundError(root);
  return openBackends(root);
}

/** Opens (creating if needed) the backends; used by `openRepository` and `initRepository`. */
export async function openBackends(root: string): Promise<Repository> {
  const base = versoDir(root);
  mkdirSync(base, { recursive: true });
  const catalog = SqliteCatalog.open(join(base, 'catalog.sqlite'));
  const chunks = await LmdbChunkStore.open(join(base, 'chunks'));
  const blobs = new FsBlobStore(
    (await catalog.getConfig(BLOB_STORE_CONFIG)) ?? join(base, 'blobs'),
  );
  const nodes = new NodeStore(chunks);
  const tmpRoot = join(base, 'tmp');
  removeDeadScratch(tmpRoot);
  let scratch: string | undefined;
  return {
    root,
    chunks,
    nodes,
    catalog,
    blobs,
    scratchDir() {
      if (!scratch) {
        scratch = join(tmpRoot, `${process.pid}-${Date.now().toString(36)}`);
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
