/**
 * Verso's public library surface (`package.json` `main`): what a server, a UI's API types or
 * an embedding program import. Repositories are opened (`openRepository`, `initRepository`) or
 * composed from backends (`createRepository`); the verbs of every feature take the repository
 * as their first argument; errors are `VersoError`s with a category and a code.
 *
 * Everything here comes from a feature's `index.ts` (`api/<feature>/index.ts`) or is a record
 * or interface type of a lower layer; nothing else of `src/` is public.
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

// Errors: the base class and its categories (leaf classes are matched by `code`).
export { VersoError, type ErrorCategory } from './core/errors.js';

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
