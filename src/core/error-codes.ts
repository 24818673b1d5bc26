/**
 * Every error code Verso raises (layer: core), grouped by the layer that owns the error. The
 * lists are the single source of `ErrorCode`, so `e.code === 'X'` is checked by the compiler,
 * and `isErrorCode` can check a code that crossed a thread or a process. A new error adds its
 * code to its layer's list here; its class lives in its layer.
 */

/** Generic errors raised by several layers (`core/errors.ts`). */
export const CORE_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'FORMAT_PARSE',
  'CORRUPTION',
  'SCHEMA_VERSION_NOT_FOUND',
] as const;

/** `io/io-errors.ts`. */
export const IO_ERROR_CODES = ['INPUT_FILE', 'OUTPUT_PATH', 'DISK_FULL'] as const;

/** `store/` and its backends. */
export const STORE_ERROR_CODES = [
  'CHUNK_STORE_DAMAGED',
  'CHUNK_WRITE_FAILED',
  'BLOB_HASH_MISMATCH',
  'OBJECT_STORE_IO',
  'OBJECT_STORE_NOT_FOUND',
] as const;

/** `catalog/catalog-errors.ts` and the SQLite backend (`catalog/sqlite/`). */
export const CATALOG_ERROR_CODES = [
  'REF_EXISTS',
  'REF_UPDATE_RACE',
  'REPOSITORY_BUSY',
  'MERGE_IN_PROGRESS',
  'PENDING_MERGE_RACE',
  'SCHEMA_VERSION_EXISTS',
  'LINEAGE_NOT_FOUND',
  'LINEAGE_EXISTS',
  'RUN_FINISHED',
  'LINEAGE_IMMUTABLE',
  'CATALOG_DAMAGED',
  'CATALOG_TOO_NEW',
  'CATALOG_IO',
] as const;

/** `dataset/`. */
export const DATASET_ERROR_CODES = ['ID_TOO_LONG'] as const;

/** `vcs/ref-errors.ts`. */
export const VCS_ERROR_CODES = ['REF_NOT_FOUND', 'AMBIGUOUS_REF'] as const;

/** `schema/schema-errors.ts`. */
export const SCHEMA_ERROR_CODES = ['SCHEMA_INVALID', 'SCHEMA_PROJECTION'] as const;

/** `query/query-errors.ts`. */
export const QUERY_ERROR_CODES = ['QUERY_SYNTAX'] as const;

/** `api/<feature>/*-errors.ts` and the verbs. */
export const API_ERROR_CODES = [
  'REPOSITORY_NOT_FOUND',
  'REPOSITORY_EXISTS',
  'REPOSITORY_DAMAGED',
  'BRANCH_DELETE_REFUSED',
  'TAG_IMMUTABLE',
  'NO_PENDING_MERGE',
  'MERGE_CONFLICT',
  'MERGE_TARGET_MOVED',
  'UNDECIDED_CONFLICTS',
  'UNKNOWN_CONFLICT',
  'LABEL_SCHEMA',
  'IMAGE_FILE',
  'IMAGE_ID_COLLISION',
  'ASSET_NOT_FOUND',
  'EXPLAIN_UNAVAILABLE',
  'SUSPECTS_UNAVAILABLE',
  'LABEL_NOT_FOUND',
  'TRACK_NOT_FOUND',
  'ANNOTATION_NOT_FOUND',
  'IMAGES_WITHOUT_SIZE',
  'EXPORT_IMAGE_MISSING',
  'IMPORT_WORKER_FAILED',
  'BLOB_NOT_FOUND',
  'WRITE_CONFLICT',
  'SYNC_BATCH_REFUSED',
  'SYNC_CHUNKS_MISSING',
  'SYNC_NON_FAST_FORWARD',
  'SYNC_REF_MOVED',
  'SYNC_SCHEMA_DIVERGED',
  'REMOTE_NOT_FOUND',
  'REMOTE_EXISTS',
  'REMOTE_FAILED',
  'CREDENTIALS_INSECURE',
  'BLOB_FETCH_FAILED',
  'ANNOTATOR_NOT_FOUND',
] as const;

/** Tokens, roles, the audit log and branch protection (`catalog/access-catalog-errors.ts`, `api/access/`). */
export const ACCESS_ERROR_CODES = [
  'TOKEN_NAME_TAKEN',
  'TOKEN_NOT_FOUND',
  'TOKEN_UNKNOWN',
  'TOKEN_REVOKED',
  'TOKEN_EXPIRED',
  'ACCESS_DENIED',
  'BRANCH_PROTECTED',
  'BRANCH_NOT_PROTECTED',
  'MERGE_GATE_FAILED',
] as const;

/** `cli/`: a bad command line, a failed `verify`, and a bug (an error that is no VersoError). */
export const CLI_ERROR_CODES = ['USAGE', 'VERIFY_FAILED', 'INTERNAL'] as const;

/** `server/`: refusals of the HTTP API that no lower layer raises (`server/http-errors.ts`). */
export const SERVER_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'ROUTE_NOT_FOUND',
  'BAD_REQUEST',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'REQUEST_TIMEOUT',
  'IMAGE_UNDECODABLE',
  'RANGE_NOT_SATISFIABLE',
  'OPERATION_NOT_FOUND',
  'OPERATION_RUNNING',
  'STAGED_VECTORS_MISMATCH',
] as const;

/** The PostgreSQL catalog backend (`catalog/postgres/postgres-errors.ts`). */
export const POSTGRES_CATALOG_ERROR_CODES = [
  'CATALOG_URL_INVALID',
  'CATALOG_UNAVAILABLE',
  'CATALOG_WRITE_UNKNOWN',
  'CATALOG_NOT_FOUND',
  'CATALOG_AUTH',
  'CATALOG_DATABASE_NOT_FOUND',
  'CATALOG_SCHEMA_INVALID',
] as const;

export const ERROR_CODES = [
  ...CORE_ERROR_CODES,
  ...IO_ERROR_CODES,
  ...STORE_ERROR_CODES,
  ...CATALOG_ERROR_CODES,
  ...DATASET_ERROR_CODES,
  ...VCS_ERROR_CODES,
  ...SCHEMA_ERROR_CODES,
  ...QUERY_ERROR_CODES,
  ...API_ERROR_CODES,
  ...CLI_ERROR_CODES,
  ...SERVER_ERROR_CODES,
  ...ACCESS_ERROR_CODES,
  ...POSTGRES_CATALOG_ERROR_CODES,
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}
