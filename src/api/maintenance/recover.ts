/**
 * `verso recover [--blob-store DIR]`: rebuilds the catalog's refs and commit index from the
 * commits in the chunk store (layer: api; the plan: `recover-plan.ts`).
 *
 * - Damaged catalog (missing, empty, truncated, unreadable): what can still be read from it is
 *   salvaged (`sqlite-catalog-salvage.ts`: refs, schema versions, config, and tokens, branch
 *   protection and the audit log, restored as they were); a new catalog is
 *   built beside it (`catalog.sqlite.recovering-<pid>`), filled (config, schema versions, the
 *   commit index, the refs of the plan), closed, and only then put in place: the damaged file
 *   (and its -wal/-shm) is renamed `catalog.sqlite.damaged-<time>`, the new one renamed to
 *   `catalog.sqlite`. A crash midway leaves either the damaged catalog or none (both refused
 *   by every command and recovered again), never a half-filled one that gc would trust.
 * - Healthy catalog: existing refs stay; commits missing from the index are indexed and heads
 *   that no ref reaches get `recovered/<id>` branches (after an unwanted branch deletion, say),
 *   under a writer lease so gc cannot run meanwhile.
 * What the chunk store cannot give back (the result's `lost`): tags and ref names not salvaged
 * (heads come back as branches), schema versions and config not salvaged, training runs,
 * models, predictions, slices, pending merges; indexes and blame trees are rebuilt on demand.
 * A damaged chunk store is refused: chunks cannot be rebuilt from anything.
 */
import { prepareOutputPath } from '../../io/output-file.js';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CorruptionError, VersoError } from '../../core/errors.js';
import { RepositoryDamagedError } from '../repository/repository-errors.js';
import type { ChunkHash } from '../../core/hash.js';
import { hashToHex } from '../../core/hash.js';
import type { Catalog } from '../../catalog/catalog.js';
import { SqliteCatalog } from '../../catalog/sqlite/sqlite-catalog.js';
import { CatalogDamagedError } from '../../catalog/sqlite/sqlite-catalog-file.js';
import {
  salvageCatalog,
  type SalvagedCatalog,
} from '../../catalog/sqlite/sqlite-catalog-salvage.js';
import type { ChunkStore } from '../../store/chunk-store.js';
import { LmdbChunkStore } from '../../store/lmdb/lmdb-chunk-store.js';
import { ChunkStoreDamagedError } from '../../store/lmdb/lmdb-file-check.js';
import { getCommit, type Commit } from '../../vcs/commit.js';
import { COMMIT_MARKER } from '../../vcs/objects.js';
import { withLease } from '../repository/lease.js';
import { planRecovery, type PlannedRef, type RecoveryPlan } from './recover-plan.js';
import { damagedChunkStore } from '../repository/repository-damage.js';
import { BLOB_STORE_CONFIG, versoDir } from '../repository/repository.js';
import { openEmbedded } from '../repository/compose.js';
import { readBackendConfig } from '../repository/backend-config.js';

export interface RecoverOptions {
  /** Record this blob folder (`init --blob-store`), if the catalog's setting is lost. */
  readonly blobStore?: string;
}

export interface RecoverResult {
  /** `rebuilt`: the catalog was damaged and replaced; `kept`: it was healthy. */
  readonly catalog: 'rebuilt' | 'kept';
  /** What was wrong with the catalog (rebuilt only). */
  readonly damage?: string;
  /** Where the damaged catalog now is (rebuilt, when there was a file). */
  readonly damagedCatalogMovedTo?: string;
  readonly salvaged?: {
    readonly refs: number;
    readonly schemaVersions: number;
    readonly config: readonly string[];
    readonly unreadable: readonly string[];
  };
  readonly commits: number;
  readonly roots: readonly ChunkHash[];
  readonly heads: readonly {
    readonly id: ChunkHash;
    readonly time: string;
    readonly message: string;
  }[];
  readonly indexed: number;
  readonly created: readonly PlannedRef[];
  readonly dangling: readonly PlannedRef[];
  readonly missingParents: number;
  /** Chunks that could not be read while scanning (see `verso verify`). */
  readonly damagedChunks: number;
  readonly lost: readonly string[];
}

export async function recoverRepository(
  root: string,
  opts: RecoverOptions = {},
): Promise<RecoverResult> {
  // A blob folder that cannot exist is refused before anything is read or written.
  if (opts.blobStore !== undefined) prepareOutputPath(opts.blobStore, 'folder');
  const base = versoDir(root);
  // Recovery rebuilds an embedded catalog from an embedded chunk store; PostgreSQL and S3 keep
  // their own durability (and `verso verify` checks what they hold).
  const remote = readBackendConfig(base);
  if (remote)
    throw new VersoError(
      'InvalidInput',
      'INVALID_ARGUMENT',
      `${root} is a repository on ${remote.catalog} + ${remote.store}: recovery rebuilds an ` +
        'embedded catalog from an embedded chunk store and has nothing to do there',
      { root },
    );
  let chunks: LmdbChunkStore;
  try {
    chunks = await LmdbChunkStore.open(join(base, 'chunks'), { create: false });
  } catch (e) {
    throw e instanceof ChunkStoreDamagedError ? damagedChunkStore(e) : e;
  }
  try {
    const file = join(base, 'catalog.sqlite');
    let catalog: Catalog;
    try {
      catalog = SqliteCatalog.open(file, { create: false });
    } catch (e) {
      if (!(e instanceof CatalogDamagedError)) throw e;
      return await rebuildCatalog(chunks, file, e, opts);
    }
    const repo = await openEmbedded(root, catalog, chunks);
    try {
      return await withLease(repo, 'writer', () => recoverInto(repo.catalog, chunks, opts));
    } finally {
      await catalog.close();
    }
  } finally {
    await chunks.close();
  }
}

async function rebuildCatalog(
  chunks: ChunkStore,
  file: string,
  damage: CatalogDamagedError,
  opts: RecoverOptions,
): Promise<RecoverResult> {
  const salvaged = salvageCatalog(file);
  const temp = `${file}.recovering-${process.pid}`;
  removeSqlite(temp);
  const catalog = SqliteCatalog.open(temp, { create: true });
  let result: RecoverResult;
  try {
    for (const [key, value] of salvaged.config) await catalog.setConfig(key, value);
    if ((await catalog.getConfig('format')) === undefined) await catalog.setConfig('format', '1');
    for (const v of salvaged.schemaVersions) await catalog.createSchemaVersion(v);
    for (const t of salvaged.tokens) await catalog.access.insertToken(t);
    for (const p of salvaged.protections) await catalog.access.putBranchProtection(p);
    for (const { seq: _seq, ...entry } of salvaged.audit) await catalog.access.appendAudit(entry);
    result = await recoverInto(catalog, chunks, opts, salvaged);
  } catch (e) {
    await catalog.close();
    removeSqlite(temp);
    throw e;
  }
  await catalog.close();
  const movedTo = existsSync(file) ? moveAside(file) : undefined;
  renameSync(temp, file);
  return {
    ...result,
    catalog: 'rebuilt',
    damage: damage.what,
    ...(movedTo ? { damagedCatalogMovedTo: movedTo } : {}),
    salvaged: {
      refs: salvaged.refs.length,
      schemaVersions: salvaged.schemaVersions.length,
      config: [...salvaged.config.keys()],
      unreadable: salvaged.unreadable.map((u) => `${u.table}: ${u.why}`),
    },
    lost: lostParts(salvaged),
  };
}

/** Scans the store's commits and applies the plan to `catalog`. */
async function recoverInto(
  catalog: Catalog,
  chunks: ChunkStore,
  opts: RecoverOptions,
  salvaged?: SalvagedCatalog,
): Promise<RecoverResult> {
  const scan = await scanCommits(chunks);
  if (scan.commits.size === 0)
    throw new RepositoryDamagedError(
      'recover found no commits in the chunk store',
      'restore-or-reinit',
      { damagedChunks: scan.damaged },
    );
  const existing = salvaged ? undefined : await catalog.listRefs();
  const indexed = new Map<ChunkHash, number>();
  if (!salvaged)
    for (const id of scan.commits.keys()) {
      const entry = await catalog.getCommit(id);
      if (entry) indexed.set(id, entry.generation);
    }
  const plan: RecoveryPlan = planRecovery({
    commits: scan.commits,
    refs: (existing ?? salvaged?.refs ?? []).map((r) => ({
      name: r.name,
      kind: r.kind,
      target: r.target,
    })),
    refsExist: existing !== undefined,
    indexed,
  });
  for (const entry of plan.index) await catalog.recordCommit(entry);
  for (const ref of plan.create) await catalog.updateRef(ref.name, ref.kind, null, ref.target);
  if (opts.blobStore !== undefined)
    await catalog.setConfig(BLOB_STORE_CONFIG, resolve(opts.blobStore));
  return {
    catalog: 'kept',
    commits: scan.commits.size,
    roots: plan.roots,
    heads: plan.heads.map((id) => {
      const c = scan.commits.get(id)!;
      return { id, time: c.time, message: c.message };
    }),
    indexed: plan.index.length,
    created: plan.create,
    dangling: plan.dangling,
    missingParents: plan.missingParents.length,
    damagedChunks: scan.damaged,
    lost: [],
  };
}

/** Every commit in the store; unreadable chunks are counted, not fatal. */
async function scanCommits(
  chunks: ChunkStore,
): Promise<{ commits: Map<ChunkHash, Commit>; damaged: number }> {
  const commits = new Map<ChunkHash, Commit>();
  let damaged = 0;
  for await (const hash of chunks.hashes()) {
    try {
      const bytes = await chunks.get(hash);
      if (bytes?.[0] !== COMMIT_MARKER) continue;
      const id = hashToHex(hash);
      commits.set(id, await getCommit(chunks, id));
    } catch (e) {
      if (!(e instanceof CorruptionError)) throw e;
      damaged++;
    }
  }
  return { commits, damaged };
}

function lostParts(salvaged: SalvagedCatalog): string[] {
  const lost = [
    'training runs, models, predictions and slices',
    'pending merges',
    'secondary indexes and blame trees (rebuilt when next needed)',
  ];
  if (salvaged.refs.length === 0)
    lost.unshift(
      'branch and tag names (each head is a recovered/ branch, main is the newest head)',
    );
  if (salvaged.schemaVersions.length === 0)
    lost.push('schema versions (commits that name one cannot be read under a schema version)');
  if (!salvaged.config.has(BLOB_STORE_CONFIG))
    lost.push(
      `the ${BLOB_STORE_CONFIG} setting, if there was one (a shared blob folder must be set again)`,
    );
  return lost;
}

const SQLITE_SIDE_FILES = ['', '-wal', '-shm'];

function removeSqlite(file: string): void {
  for (const suffix of SQLITE_SIDE_FILES) rmSync(`${file}${suffix}`, { force: true });
}

/** Renames `file` and its -wal/-shm to `file.damaged-<time>`; returns the new main path. */
function moveAside(file: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const target = `${file}.damaged-${stamp}`;
  for (const suffix of SQLITE_SIDE_FILES)
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${target}${suffix}`);
  return target;
}
