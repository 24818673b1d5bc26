/**
 * Opens the backends of a repository on PostgreSQL + S3 (layer: api): `PostgresCatalog` for the
 * catalog, `S3PackChunkStore` for chunks (with its on-disk read cache under `.verso/cache/`)
 * and `S3BlobStore` for images, all from the URLs in `.verso/backends.json`
 * (`backend-config.ts`). The modules (and `pg`, the AWS SDK) are loaded only here, so a
 * command on an embedded repository never loads them.
 */
import { join } from 'node:path';
import type { Catalog } from '../../catalog/catalog.js';
import type { BlobStore } from '../../store/blob-store.js';
import type { ChunkStore } from '../../store/chunk-store.js';
import { parseCatalogUrl, type BackendConfig } from './backend-config.js';

export interface OpenedBackends {
  readonly catalog: Catalog;
  readonly chunks: ChunkStore;
  readonly blobs: BlobStore;
}

/**
 * The catalog, chunk store and blob store named by `config`, for the repository folder `base`
 * (`.verso/`). `create`: make the schema and tables (init); otherwise an empty schema is
 * refused. `password`: the URL to connect with when it differs from the recorded one.
 */
export async function openRemoteBackends(
  base: string,
  config: BackendConfig,
  options: {
    readonly create?: boolean;
    readonly connectWith?: string;
    /** How long the catalog's leases live without a heartbeat (default: the catalog's). */
    readonly leaseTtlMs?: number;
  } = {},
): Promise<OpenedBackends> {
  const catalogUrl = parseCatalogUrl(options.connectWith ?? config.catalog);
  const [{ PostgresCatalog }, { S3PackChunkStore }, { S3BlobStore }, s3] = await Promise.all([
    import('../../catalog/postgres/postgres-catalog.js'),
    import('../../store/s3/s3-pack-chunk-store.js'),
    import('../../store/s3/s3-blob-store.js'),
    import('../../store/s3/s3-location.js'),
  ]);
  const location = s3.parseS3Url(config.store);
  const client = s3.s3ClientFromEnvironment();
  const catalog = await PostgresCatalog.open({
    connectionString: catalogUrl.connectionString,
    schema: catalogUrl.schema,
    create: options.create ?? false,
    ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
  });
  try {
    const chunks = await S3PackChunkStore.open({
      client,
      location,
      cacheDir: join(base, 'cache', 'chunks'),
      create: options.create ?? false,
    });
    const blobs = new S3BlobStore({ client, location, scratchDir: join(base, 'tmp') });
    return { catalog, chunks, blobs };
  } catch (e) {
    await catalog.close();
    throw e;
  }
}
