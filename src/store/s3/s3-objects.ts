/**
 * The few S3 operations the backends use, on one bucket, counted (layer: store).
 *
 * Each method is one S3 request (the SDK retries it with backoff on 5xx, throttling and
 * timeouts); a request that still fails becomes an `ObjectStoreError` naming the operation, the
 * bucket, the key and S3's error code. A missing key is an answer, not an error (`undefined` or
 * `false`). `counts` tallies requests by kind, for benchmarks and tests that prove a read
 * takes O(depth) round trips.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { isMissingObject, ObjectStoreError } from './s3-errors.js';

export interface S3RequestCounts {
  get: number;
  put: number;
  list: number;
  delete: number;
  head: number;
  /** Objects the LISTs returned (a re-list's cost grows with these, not with the LIST count). */
  listedKeys: number;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

const DELETE_CONCURRENCY = 16;
/** Parallel S3 requests of one pack-store operation (index loads, getMany ranges, copies). */
export const OPERATION_CONCURRENCY = 16;

export class S3Objects {
  readonly counts: S3RequestCounts = { get: 0, put: 0, list: 0, delete: 0, head: 0, listedKeys: 0 };

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
  ) {}

  /** The object's bytes (or bytes `start..end` inclusive); undefined if the key is absent. */
  async get(key: string, range?: { start: number; end: number }): Promise<Uint8Array | undefined> {
    this.counts.get++;
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array(0);
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw new ObjectStoreError(range ? 'ranged GET' : 'GET', this.bucket, key, error);
    }
  }

  /** The object's size, or undefined if the key is absent. */
  async head(key: string): Promise<number | undefined> {
    this.counts.head++;
    try {
      const answer = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return answer.ContentLength ?? 0;
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw new ObjectStoreError('HEAD', this.bucket, key, error);
    }
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    this.counts.put++;
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
        }),
      );
    } catch (error) {
      throw new ObjectStoreError('PUT', this.bucket, key, error);
    }
  }

  /**
   * Every object under `prefix` (S3 LIST is strongly consistent), page by page; with
   * `startAfter`, only those whose key sorts after it.
   */
  async list(prefix: string, startAfter?: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let token: string | undefined;
    do {
      this.counts.list++;
      try {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(startAfter !== undefined ? { StartAfter: startAfter } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        this.counts.listedKeys += page.Contents?.length ?? 0;
        for (const o of page.Contents ?? [])
          if (o.Key !== undefined)
            out.push({
              key: o.Key,
              size: o.Size ?? 0,
              lastModified: o.LastModified ?? new Date(0),
            });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } catch (error) {
        throw new ObjectStoreError('LIST', this.bucket, prefix, error);
      }
    } while (token);
    return out;
  }

  /**
   * Deletes `keys` (absent ones are fine), one DeleteObject each, 16 at a time: S3-compatible
   * servers disagree on the checksum the batch DeleteObjects needs, and gc deletes few keys.
   */
  async delete(keys: readonly string[]): Promise<void> {
    await forEachLimited(keys, DELETE_CONCURRENCY, async (key) => {
      this.counts.delete++;
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      } catch (error) {
        if (!isMissingObject(error)) throw new ObjectStoreError('DELETE', this.bucket, key, error);
      }
    });
  }
}

/** Runs `work` on every item, at most `limit` at once; the first failure rejects. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
