/**
 * A real S3-protocol server for benchmarks and tests, started from npm (`s3rver`) (layer:
 * bench). Objects live in a fresh temp folder; the server listens on 127.0.0.1 only, on a free
 * port, addressed path-style, with s3rver's fixed test credentials; `stop` closes it and removes
 * the folder. Bucket names must be DNS-valid (lowercase, 3-63 chars). s3rver's LIST paging is
 * made to work on Node 20 first (`s3rver-fixes.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import './s3rver-fixes.js';

export interface S3Server {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Client settings for this server (endpoint, path style, credentials, region). */
  clientConfig(): S3ClientConfig;
  /** A new client for this server; `extra` overrides or adds settings. */
  client(extra?: S3ClientConfig): S3Client;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** s3rver accepts only these. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
const REGION = 'us-east-1';

export async function startS3Server(buckets: readonly string[] = []): Promise<S3Server> {
  const dir = mkdtempSync(join(tmpdir(), 'verso-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  let port: number;
  try {
    port = (await server.run()).port;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`s3rver did not start: ${String(e)}`);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig = (): S3ClientConfig => ({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { ...CREDENTIALS },
    // s3rver predates the SDK's default CRC checksums on every upload.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const admin = new S3Client(clientConfig());
  return {
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    clientConfig,
    client: (extra = {}) => new S3Client({ ...clientConfig(), ...extra }),
    async createBucket(name) {
      await admin.send(new CreateBucketCommand({ Bucket: name }));
    },
    async stop() {
      admin.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
