/**
 * OnDemandBlobStore: a missing blob is fetched from the remote once and kept; a remote that
 * cannot be reached is BLOB_FETCH_FAILED naming the blob and the remote, and is tried again on
 * the next read (a server on a clone outlives a remote that was down once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VersoError } from '../../core/errors.js';
import { hashToHex, sha256 } from '../../core/hash.js';
import { FsBlobStore } from '../../store/fs/fs-blob-store.js';
import { OnDemandBlobStore } from './on-demand-blobs.js';
import type { SyncPeer } from './sync-remote.js';

const dir = mkdtempSync(join(tmpdir(), 'verso-on-demand-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const remote = { name: 'origin', url: 'http://remote.invalid' };
const bytes = new TextEncoder().encode('image bytes');
const hash = hashToHex(sha256(bytes));

describe('OnDemandBlobStore', () => {
  it('connects again after a failed connection, then fetches once and keeps the bytes', async () => {
    let connects = 0;
    let fetches = 0;
    const peer = {
      fetchBlob: async () => {
        fetches++;
        return bytes;
      },
    } as unknown as SyncPeer;
    const store = new OnDemandBlobStore(new FsBlobStore(join(dir, 'a')), remote, async () => {
      if (connects++ === 0) throw new Error('connection refused');
      return peer;
    });
    const error = await store.get(hash).catch((e: unknown) => e);
    expect((error as VersoError).code).toBe('BLOB_FETCH_FAILED');
    expect((error as Error).message).toContain(hash);
    expect((error as Error).message).toContain("remote 'origin'");
    expect(Buffer.from((await store.get(hash))!)).toEqual(Buffer.from(bytes));
    expect(Buffer.from((await store.get(hash))!)).toEqual(Buffer.from(bytes));
    expect([connects, fetches]).toEqual([2, 1]);
    expect(await store.has(hash)).toBe(true);
  });
});
