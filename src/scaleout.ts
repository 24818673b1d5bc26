/**
 * The scale-out backends as a library entry (`import ... from 'verso/scaleout'`, package.json
 * `exports`): PostgreSQL for the catalog, S3 (or any S3-compatible store) for chunks and image
 * bytes, to compose a repository with `createRepository` (what `openRepository` does for a
 * folder whose `.verso/backends.json` names them). A separate entry so that `import 'verso'`
 * never loads node-postgres or the AWS SDK.
 */
export {
  PostgresCatalog,
  type PostgresCatalogOptions,
} from './catalog/postgres/postgres-catalog.js';
export { S3PackChunkStore, type S3PackChunkStoreOptions } from './store/s3/s3-pack-chunk-store.js';
export { S3BlobStore, type S3BlobStoreOptions } from './store/s3/s3-blob-store.js';
export { parseS3Url, s3ClientFromEnvironment, type S3Location } from './store/s3/s3-location.js';
