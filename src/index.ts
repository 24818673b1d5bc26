/**
 * Verso's public library surface (`package.json` `main`): what a server, a UI's API types or
 * an embedding program import. Repositories are opened (`openRepository`, `initRepository`) or
 * composed from backends (`createRepository`); the verbs of every feature take the repository
 * as their first argument; errors are `VersoError`s with a category and a code.
 *
 * Everything here comes from a feature's `index.ts` (`api/<feature>/index.ts`), is a record
 * or interface type of a lower layer, or is one of the embedded backends `createRepository`
 * composes (so a program can build a repository without `openRepository`); nothing else of
 * `src/` is public.
 */
export * from './api/repository/index.js';
export * from './api/write/index.js';
export * from './api/read/index.js';
export * from './api/images/index.js';
export * from './api/ingest/index.js';
export * from './api/interchange/index.js';
export * from './api/merge/index.js';
export * from './api/query/index.js';
export * from './api/blame/index.js';
export * from './api/schema/index.js';
export * from './api/lineage/index.js';
export * from './api/maintenance/index.js';
export * from './api/access/index.js';
export * from './api/sync/index.js';
export * from './api/annotators/index.js';

// Errors: the base class, its categories and codes (leaf classes are matched by `code`).
export { VersoError, isVersoError, type ErrorCategory, type ErrorCode } from './core/errors.js';

// Records the verbs return or take.
export type { ChunkHash } from './core/hash.js';
export type { JsonValue } from './core/canonical.js';
export type { LabelContent } from './dataset/label-line.js';
export type { AssetRecord, AssetStorage } from './dataset/asset-record.js';
export type { ChangeCounts } from './dataset/change-counts.js';
export type { Commit } from './vcs/commit.js';
export type { Snapshot } from './vcs/snapshot.js';
export type {
  RefKind,
  RefLogEntry,
  RefRecord,
  ModelRecord,
  PredictionRecord,
  RunRecord,
  SliceRecord,
} from './catalog/catalog.js';

// The backend interfaces `createRepository` composes (PostgreSQL and S3 backends implement them).
export type { Catalog } from './catalog/catalog.js';
export type { ChunkStore } from './store/chunk-store.js';
export type { BlobStore } from './store/blob-store.js';

// The embedded backends, to compose a repository with `createRepository` (what `openRepository`
// does for a repository folder): `LmdbChunkStore.open(dir)`, `SqliteCatalog.open(file)`,
// `new FsBlobStore(dir)`; `MemoryChunkStore` keeps chunks in memory (tests, throwaway work).
export { LmdbChunkStore } from './store/lmdb/lmdb-chunk-store.js';
export { MemoryChunkStore } from './store/memory/memory-chunk-store.js';
export { FsBlobStore } from './store/fs/fs-blob-store.js';
export { SqliteCatalog } from './catalog/sqlite/sqlite-catalog.js';
