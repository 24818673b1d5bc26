/**
 * Test support for the S3 backends (layer: store, tests only): a real s3rver per test file,
 * fresh prefixes and cache folders, and clients whose requests fail on purpose (a middleware in
 * the SDK's stack, inside its retry loop, so the SDK sees exactly what a failing server or
 * network would give it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { startS3Server } from '../../../bench/servers/s3-server.js';
import type { S3Server } from '../../../bench/servers/s3-server.js';
import type { S3Location } from './s3-location.js';

export const TEST_BUCKET = 'verso-test';

export interface S3TestBed {
  readonly server: S3Server;
  /** A client for the test server. */
  client(extra?: S3ClientConfig): S3Client;
  /** A prefix no other test uses. */
  freshLocation(): S3Location;
  /** A fresh local temp folder (removed after the file's tests). */
  tempDir(): string;
}

/** Starts s3rver (one bucket, `verso-test`) before the file's tests and stops it after. */
export function useS3TestBed(): S3TestBed {
  let server: S3Server | undefined;
  const dirs: string[] = [];
  let n = 0;
  beforeAll(async () => {
    server = await startS3Server([TEST_BUCKET]);
  });
  afterAll(async () => {
    await server?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get server() {
      if (!server) throw new Error('the S3 test server is not started yet');
      return server;
    },
    client(extra) {
      return this.server.client(extra);
    },
    freshLocation() {
      n++;
      return { bucket: TEST_BUCKET, prefix: `t${process.pid}-${n}/repo` };
    },
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), 'verso-s3-test-'));
      dirs.push(dir);
      return dir;
    },
  };
}

export type FaultKind = '503' | 'throttle' | 'timeout';

/** How a client's injected faults go; change `remaining` while the test runs. */
export interface FaultPlan {
  /** Requests still to fail (Infinity: all of them). */
  remaining: number;
  kind: FaultKind;
  /** Requests failed so far. */
  injected: number;
  /** Only requests whose HTTP method is one of these fail (default: all). */
  methods?: readonly string[];
  /** Let this many matching requests through before failing any (default 0). */
  passFirst?: number;
}

interface HttpRequestLike {
  readonly method?: string;
}

/**
 * Adds a middleware to `client` that fails requests per `plan` before they reach the server:
 * HTTP 503 `ServiceUnavailable`, HTTP 503 `SlowDown` (throttling) or a socket timeout. It sits
 * inside the retry middleware, so the SDK retries each failure with its backoff.
 */
export function injectFaults(client: S3Client, plan: FaultPlan): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const method = (args.request as HttpRequestLike).method ?? '';
      const matches = !plan.methods || plan.methods.includes(method);
      if (matches && (plan.passFirst ?? 0) > 0) plan.passFirst = (plan.passFirst ?? 0) - 1;
      else if (matches && plan.remaining > 0) {
        plan.remaining--;
        plan.injected++;
        if (plan.kind === 'timeout')
          throw Object.assign(new Error('connection timed out (injected)'), {
            name: 'TimeoutError',
            code: 'ETIMEDOUT',
          });
        const code = plan.kind === 'throttle' ? 'SlowDown' : 'ServiceUnavailable';
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected ${code}</Message></Error>`;
        return {
          response: {
            statusCode: 503,
            reason: 'Service Unavailable',
            headers: { 'content-type': 'application/xml' },
            body: Readable.from([Buffer.from(body)]),
          },
          output: undefined as never,
        };
      }
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'versoFaultInjection' },
  );
}
