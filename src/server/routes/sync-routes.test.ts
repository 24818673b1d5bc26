/**
 * The sync routes over real HTTP: a Fastify server on 127.0.0.1 (port 0) with the plugin and a
 * tiny `getRepository`, and the HTTP transport (`remote/http-sync-peer.ts`) as the client.
 * Clone, edit both sides, a push refused as a non-fast-forward (409 with the current head),
 * pull (merge), push, and a fresh clone equal to the origin (same commits and snapshots, verify
 * clean); a corrupted chunk in an upload refused with nothing stored; a push whose upload is
 * cut off mid-batch leaves the remote's refs unchanged and a retry completes; every route is in
 * the OpenAPI document.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLabels } from '../../api/ingest/index.js';
import { verifyRepository } from '../../api/maintenance/index.js';
import { initRepository, openRepository, type Repository } from '../../api/repository/index.js';
import { cloneRepository, pullFrom, pushTo, transferPack } from '../../api/sync/index.js';
import { applyEdits } from '../../api/write/index.js';
import { sha256 } from '../../core/hash.js';
import { HttpSyncPeer } from '../../remote/http-sync-peer.js';
import { createToken } from '../../api/access/index.js';
import { startServer, type RunningServer } from '../serve.js';
import { repositoryTokenCheck } from '../token-check.js';

let dir: string;
let server: RunningServer;
let token: string;
let base: string;
const repos = new Map<string, Repository>();
let serial = 0;

function label(id: number, category = id % 3 === 0 ? 'car' : 'person') {
  return {
    image: String(Math.floor(id / 3)).padStart(5, '0'),
    label: String(id),
    category,
    bbox: [id % 50, 10.5, 20.25, 30],
    annotated_at: '2026-01-02T03:04:05Z',
  };
}

function jsonl(rows: readonly object[]): string {
  const file = join(dir, `f${serial++}.jsonl`);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

async function edit(repo: Repository, ids: readonly number[], category: string) {
  const rows = ids.map((id) => ({ op: 'put', ...label(id, category) }));
  return applyEdits(repo, { file: jsonl(rows), branch: 'main' });
}

const head = async (repo: Repository, ref = 'main') => (await repo.catalog.getRef(ref))!.target;

async function openClone(name: string): Promise<Repository> {
  const repo = await openRepository(join(dir, name), { identity: { author: name } });
  repos.set(`local:${name}`, repo);
  return repo;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-sync-http-'));
  await initRepository(join(dir, 'origin'));
  const origin = await openRepository(join(dir, 'origin'), { identity: { author: 'server' } });
  await importLabels(origin, {
    file: jsonl(Array.from({ length: 4000 }, (_, i) => label(i))),
    branch: 'main',
  });
  repos.set('origin', origin);
  token = (await createToken(origin, { name: 'sync-test', role: 'admin' })).token;
  server = await startServer({
    source: { open: { origin } },
    port: 0,
    checkToken: repositoryTokenCheck,
  });
  base = server.url;
}, 60_000);

afterAll(async () => {
  await server?.close();
  for (const repo of repos.values()) await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

const url = () => `${base}/repos/origin`;
const peer = (options = {}) => new HttpSyncPeer(url(), { token, ...options });

describe('clone, push, pull over HTTP', () => {
  it('refuses a non-fast-forward (409, current head), pulls, pushes; a new clone equals origin', async () => {
    const origin = repos.get('origin')!;
    await cloneRepository(join(dir, 'a'), peer(), { url: url() });
    await cloneRepository(join(dir, 'b'), peer(), { url: url() });
    const a = await openClone('a');
    const b = await openClone('b');
    expect(await head(a)).toBe(await head(origin));
    await edit(a, [3, 300], 'truck');
    await pushTo(a, peer(), { remote: 'origin', branch: 'main' });
    await edit(b, [1500, 3000], 'bus');
    await expect(pushTo(b, peer(), { remote: 'origin', branch: 'main' })).rejects.toMatchObject({
      code: 'SYNC_NON_FAST_FORWARD',
      data: { current: await head(origin), status: 409 },
    });
    const pulled = await pullFrom(b, peer(), { remote: 'origin', branch: 'main' });
    expect(pulled.merge.status).toBe('merged');
    await pushTo(b, peer(), { remote: 'origin', branch: 'main' });
    expect(await head(origin)).toBe(await head(b));

    // The last clone with uncompressed records (the loopback choice): the same repository.
    await cloneRepository(join(dir, 'c'), peer({ compress: false }), { url: url() });
    const c = await openClone('c');
    expect(await head(c)).toBe(await head(origin));
    const snapshotOf = async (repo: Repository) =>
      (await repo.catalog.getCommit(await head(repo)))!.snapshot;
    expect(await snapshotOf(c)).toBe(await snapshotOf(origin));
    expect((await verifyRepository(c)).problems).toEqual([]);
    expect((await verifyRepository(origin)).problems).toEqual([]);
  }, 60_000);

  it('answers a stale expected head with 409 and the current head, moving nothing', async () => {
    const origin = repos.get('origin')!;
    const current = await head(origin);
    const stale = (await origin.catalog.getCommit(current))!.parents[0]!;
    const r = await fetch(`${url()}/sync/refs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'main', expected: stale, new: stale }),
    });
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ error: { code: 'SYNC_REF_MOVED', data: { current } } });
    expect(await head(origin)).toBe(current);
  });
});

describe('refused requests', () => {
  it('fetch of a chunk the server lacks is a 404 before any pack byte', async () => {
    const r = await fetch(`${url()}/sync/fetch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ ids: ['0'.repeat(64)] }),
    });
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ error: { code: 'SYNC_CHUNKS_MISSING' } });
  });

  it('a malformed id is a 400 naming the field', async () => {
    const r = await fetch(`${url()}/sync/has`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ ids: ['../etc/passwd'] }),
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('ids/0');
  });
});

describe('refused uploads', () => {
  it('a corrupted chunk refuses the whole batch (422) and stores nothing', async () => {
    const origin = repos.get('origin')!;
    const good = Buffer.from('{"a fresh chunk":1}');
    const bad = Buffer.from('{"another fresh chunk":2}');
    const claimed = sha256(Buffer.from('what the sender claimed'));
    const pack = transferPack([
      { hash: sha256(good), bytes: good },
      { hash: claimed, bytes: bad },
    ]);
    const r = await fetch(`${url()}/sync/chunks`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` },
      body: pack,
    });
    expect(r.status).toBe(422);
    expect(await r.json()).toMatchObject({ error: { code: 'SYNC_BATCH_REFUSED' } });
    expect(await origin.chunks.has(sha256(good))).toBe(false);
    expect(await origin.chunks.has(claimed)).toBe(false);
  });

  it('a push cut off mid-batch leaves the refs unchanged; a retry completes', async () => {
    const origin = repos.get('origin')!;
    const a = repos.get('local:a')!;
    await pullFrom(a, peer(), { remote: 'origin', branch: 'main' });
    const before = await head(origin);
    await edit(
      a,
      Array.from({ length: 300 }, (_, i) => i * 13),
      'cut',
    );
    let uploads = 0;
    const cutting: typeof fetch = async (input, init) => {
      if (!String(input).endsWith('/sync/chunks') || ++uploads > 1) return fetch(input, init);
      // The first upload sends half its pack, then the connection is aborted.
      const body = init!.body as Uint8Array;
      const abort = new AbortController();
      const half = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(body.subarray(0, body.length >> 1));
          setTimeout(() => abort.abort(new Error('client killed')), 50);
        },
      });
      return fetch(input, {
        ...init,
        body: half,
        signal: abort.signal,
        duplex: 'half',
      } as RequestInit);
    };
    await expect(
      pushTo(a, peer({ fetch: cutting }), {
        remote: 'origin',
        branch: 'main',
        batchBytes: 32 << 10,
      }),
    ).rejects.toMatchObject({ code: 'REMOTE_FAILED' });
    expect(await head(origin)).toBe(before);
    const retry = await pushTo(a, peer(), { remote: 'origin', branch: 'main' });
    expect(retry.status).toBe('pushed');
    expect(await head(origin)).toBe(await head(a));
    expect((await verifyRepository(origin)).problems).toEqual([]);
  }, 30_000);
});

describe('OpenAPI', () => {
  it('lists every sync route with its schemas', async () => {
    const doc = server.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path.includes('/sync/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        'GET /repos/{repo}/sync/refs',
        'POST /repos/{repo}/sync/refs',
        'POST /repos/{repo}/sync/has',
        'POST /repos/{repo}/sync/fetch',
        'POST /repos/{repo}/sync/chunks',
        'GET /repos/{repo}/sync/schemas',
        'POST /repos/{repo}/sync/schemas',
      ].sort(),
    );
    const chunks = doc.paths['/repos/{repo}/sync/chunks']!['post'] as {
      requestBody: { content: Record<string, unknown> };
    };
    expect(Object.keys(chunks.requestBody.content)).toEqual(['application/octet-stream']);
  });
});
