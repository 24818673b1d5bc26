/**
 * Maintenance, query plans, splits and long operations through the server: verify, the ref
 * log and the plan of a filter give what the library gives; gc and index builds need admin
 * (403 otherwise, nothing done); `async=true` answers 202 and an operation that a client polls
 * or follows as server-sent events (progress events, then one final done or failed event);
 * splits are read and moved as `verso split` does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLabels } from '../../src/api/ingest/index.js';
import { explainQuery, showIndexes, type QueryExplanation } from '../../src/api/query/index.js';
import { openRepository, readRefLog } from '../../src/api/repository/index.js';
import { startTestServer, type TestServer } from './harness.js';

const LABELS = Array.from({ length: 40 }, (_, i) => ({
  image: `img-${String(i).padStart(3, '0')}.jpg`,
  label: '1',
  category: i % 3 === 0 ? 'car' : 'dog',
  bbox: [1, 2, 3, 4],
}));
const WHERE = 'class = car';

const dir = mkdtempSync(join(tmpdir(), 'verso-maint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let s: TestServer;
let explained: QueryExplanation;
let refLogLength: number;
beforeAll(async () => {
  s = await startTestServer({
    setup: async (repo) => {
      const file = join(dir, 'labels.jsonl');
      writeFileSync(file, LABELS.map((l) => JSON.stringify(l)).join('\n') + '\n');
      // Too many changes for commit-time index maintenance: the trees are left unindexed.
      const unindexed = { ...repo, limits: { ...repo.limits, indexMaintenance: 0 } };
      await importLabels(unindexed, { file, branch: 'main' });
      explained = await explainQuery(repo, 'main', WHERE);
      refLogLength = (await readRefLog(repo, { ref: 'main' })).length;
    },
  });
});

interface SseEvent {
  readonly event: string;
  readonly data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Every event of an event stream, read until the server ends it. */
async function events(path: string, token: string): Promise<{ type: string; list: SseEvent[] }> {
  const res = await fetch(s.url + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const list = text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [event, data] = block.split('\n');
      return { event: event!.slice(7), data: JSON.parse(data!.slice(6)) };
    });
  return { type: res.headers.get('content-type') ?? '', list };
}

async function settled(url: string, token: string) {
  for (let i = 0; i < 400; i++) {
    const view = (await s.http('GET', url, { token })).json();
    if (view.state !== 'running') return view;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`operation ${url} still running`);
}

describe('server: maintenance', () => {
  it('verifies, reads the ref log and explains a filter as the library does', async () => {
    const read = { token: s.tokens.read };
    const verify = await s.http('GET', s.repoPath('/verify'), read);
    expect(verify.status).toBe(200);
    expect(verify.json()).toMatchObject({ problems: [], roots: ['main'] });
    expect(verify.json().chunks).toBeGreaterThan(0);
    const bad = await s.http('GET', s.repoPath('/verify?ref=nope'), read);
    expect([bad.status, bad.json().error.code]).toEqual([404, 'REF_NOT_FOUND']);

    const log = await s.http('GET', s.repoPath('/reflog?ref=main'), read);
    expect(log.headers.get('content-type')).toMatch(/x-ndjson/);
    expect(log.lines()).toHaveLength(refLogLength);
    expect(log.lines()[0]).toMatchObject({ ref: 'main', operation: expect.any(String) });
    const one = await s.http('GET', s.repoPath('/reflog?max_count=1'), read);
    expect(one.lines()).toHaveLength(1);
    const unknown = await s.http('GET', s.repoPath('/reflog?ref=nope'), read);
    expect(unknown.status).toBe(404);

    const plan = await s.http(
      'GET',
      s.repoPath(`/query/explain?where=${encodeURIComponent(WHERE)}`),
      read,
    );
    expect(plan.status).toBe(200);
    expect(plan.json()).toEqual(JSON.parse(JSON.stringify(explained)));
    const badWhere = await s.http('GET', s.repoPath('/query/explain?where=class%20%3D'), read);
    expect(badWhere.status).toBe(400);
  });

  it('refuses gc and index builds below admin, writing nothing', async () => {
    const indexesBefore = (
      await s.http('GET', s.repoPath('/indexes'), { token: s.tokens.read })
    ).json();
    for (const role of ['read', 'annotate', 'review'] as const) {
      for (const path of ['/gc', '/indexes/build', '/gc?async=true']) {
        const r = await s.http('POST', s.repoPath(path), { token: s.tokens[role] });
        expect([role, path, r.status, r.json().error.code]).toEqual([role, path, 403, 'FORBIDDEN']);
      }
    }
    const ops = await s.http('GET', s.repoPath('/operations'), { token: s.tokens.admin });
    expect(ops.json().operations).toEqual([]);
    expect((await s.http('GET', s.repoPath('/indexes'), { token: s.tokens.read })).json()).toEqual(
      indexesBefore,
    );
  });

  it('builds indexes as an async operation: 202, progress events, done', async () => {
    const admin = { token: s.tokens.admin };
    const before = (await s.http('GET', s.repoPath('/indexes'), admin)).json();
    expect(before.trees.some((t: { index: string | null }) => t.index === null)).toBe(true);

    const started = await s.http('POST', s.repoPath('/indexes/build?async=true'), admin);
    expect(started.status).toBe(202);
    const { operation, url } = started.json();
    expect(url).toBe(s.repoPath(`/operations/${operation}`));

    const stream = await events(`${url}/events`, s.tokens.admin);
    expect(stream.type).toMatch(/^text\/event-stream/);
    const progress = stream.list.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!.data).toMatchObject({
      phase: expect.stringMatching(/^index /),
      done: expect.any(Number),
    });
    const last = stream.list.at(-1)!;
    expect(last.event).toBe('done');
    expect(last.data).toMatchObject({ id: operation, kind: 'index-build', state: 'done' });
    expect(stream.list.filter((e) => e.event !== 'progress')).toHaveLength(1);

    const view = await settled(url, s.tokens.admin);
    expect(view).toMatchObject({
      state: 'done',
      started_by: 'admin-user',
      progress: progress.at(-1)!.data,
    });
    expect(view.result.trees.map((t: { built?: string }) => t.built)).toContain('built');
    const after = (await s.http('GET', s.repoPath('/indexes'), admin)).json();
    expect(after.trees.every((t: { index: string | null }) => t.index !== null)).toBe(true);
    expect(view.result.trees.map((t: { index: string }) => t.index)).toEqual(
      after.trees.map((t: { index: string }) => t.index),
    );
    const list = (await s.http('GET', s.repoPath('/operations'), admin)).json().operations;
    expect(list.map((o: { id: string }) => o.id)).toContain(operation);
    const hidden = await s.http('GET', url, { token: s.tokens.read });
    expect(hidden.status).toBe(404);
  });

  it('reports a failed async operation with the error a synchronous request gets', async () => {
    const admin = { token: s.tokens.admin };
    const started = await s.http('POST', s.repoPath('/indexes/build?async=true&ref=nope'), admin);
    expect(started.status).toBe(202);
    const { url } = started.json();
    const stream = await events(`${url}/events`, s.tokens.admin);
    const last = stream.list.at(-1)!;
    expect(last.event).toBe('failed');
    expect(last.data).toMatchObject({
      state: 'failed',
      status: 404,
      error: { code: 'REF_NOT_FOUND' },
    });
    const sync = await s.http('POST', s.repoPath('/indexes/build?ref=nope'), admin);
    expect(sync.json().error).toEqual(last.data.error);
    const missing = await s.http('GET', s.repoPath('/operations/nope'), admin);
    expect([missing.status, missing.json().error.code]).toEqual([404, 'OPERATION_NOT_FOUND']);
  });

  it('collects garbage for admins, synchronously or as an operation', async () => {
    const admin = { token: s.tokens.admin };
    const gc = await s.http('POST', s.repoPath('/gc'), admin);
    expect(gc.status).toBe(200);
    expect(gc.json()).toEqual({
      reachable: expect.any(Number),
      deleted: expect.any(Number),
      bytes_before: expect.any(Number),
      bytes_after: expect.any(Number),
    });
    const started = await s.http('POST', s.repoPath('/gc?async=true'), admin);
    expect(started.status).toBe(202);
    const view = await settled(started.json().url, s.tokens.admin);
    expect(view).toMatchObject({ kind: 'gc', state: 'done', result: { deleted: 0 } });
    expect(view.result.reachable).toBe(gc.json().reachable);
    expect(view.progress).toMatchObject({ phase: expect.any(String) });
    const verify = await s.http('GET', s.repoPath('/verify'), admin);
    expect(verify.json().problems).toEqual([]);
  });
});

describe('server: closing', () => {
  it('waits for running operations before it closes the repository', async () => {
    const c = await startTestServer({
      setup: async (repo) => {
        const file = join(dir, 'close.jsonl');
        writeFileSync(file, LABELS.map((l) => JSON.stringify(l)).join('\n') + '\n');
        await importLabels(
          { ...repo, limits: { ...repo.limits, indexMaintenance: 0 } },
          {
            file,
            branch: 'main',
          },
        );
      },
    });
    const started = await c.http('POST', c.repoPath('/indexes/build?async=true'), {
      token: c.tokens.admin,
    });
    expect(started.status).toBe(202);
    await c.server.close();
    const repo = await openRepository(c.repoDir);
    try {
      const report = await showIndexes(repo, 'main');
      expect(report.trees.every((t) => t.index !== null)).toBe(true);
    } finally {
      await repo.close();
    }
  });
});

describe('server: splits', () => {
  it('moves images to a split and reads the splits back', async () => {
    const annotate = { token: s.tokens.annotate };
    const none = await s.http('GET', s.repoPath('/splits'), annotate);
    expect(none.json()).toEqual({ counts: {} });
    const moved = await s.http('POST', s.repoPath('/branches/main/splits'), {
      ...annotate,
      json: { images: ['img-000.jpg', 'img-001.jpg', 'img-002.jpg'], split: 'val' },
    });
    expect(moved.status).toBe(200);
    expect(moved.json()).toMatchObject({ committed: true, splits: { added: 3 } });
    const counts = await s.http('GET', s.repoPath('/splits?ref=main'), annotate);
    expect(counts.json()).toEqual({ counts: { val: 3 } });
    const list = await s.http('GET', s.repoPath('/splits?list=true'), annotate);
    expect(list.lines()).toEqual([
      { image: 'img-000.jpg', split: 'val' },
      { image: 'img-001.jpg', split: 'val' },
      { image: 'img-002.jpg', split: 'val' },
    ]);
    const log = (await s.http('GET', s.repoPath('/log?max_count=1'), annotate)).lines();
    expect(log[0]).toMatchObject({
      author: 'annotate-user',
      message: expect.stringMatching(/val/),
    });

    const head = (await s.http('GET', s.repoPath('/commits/main'), annotate)).json().commit;
    const unknown = await s.http('POST', s.repoPath('/branches/main/splits'), {
      ...annotate,
      json: { images: ['img-003.jpg', 'nope.jpg'], split: 'val' },
    });
    expect([unknown.status, unknown.json().error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const empty = await s.http('POST', s.repoPath('/branches/main/splits'), {
      ...annotate,
      json: { images: [], split: 'val' },
    });
    expect(empty.status).toBe(400);
    const reader = await s.http('POST', s.repoPath('/branches/main/splits'), {
      token: s.tokens.read,
      json: { images: ['img-003.jpg'], split: 'val' },
    });
    expect(reader.status).toBe(403);
    const noRef = await s.http('GET', s.repoPath('/splits?ref=nope&list=true'), annotate);
    expect(noRef.status).toBe(404);
    expect((await s.http('GET', s.repoPath('/commits/main'), annotate)).json().commit).toBe(head);
  });
});

describe('server: the OpenAPI document', () => {
  it('has every route of merges, schemas, maintenance, exports, splits and operations', async () => {
    const doc = (await s.http('GET', '/openapi.json')).json();
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const p = (path: string) => `/repos/{repo}${path}`;
    expect(routes).toEqual(
      expect.arrayContaining([
        `POST ${p('/merges')}`,
        `GET ${p('/merges/{branch}')}`,
        `POST ${p('/merges/{branch}/resolve')}`,
        `POST ${p('/merges/{branch}/commit')}`,
        `POST ${p('/merges/{branch}/abort')}`,
        `POST ${p('/schemas/{version}')}`,
        `GET ${p('/schemas')}`,
        `GET ${p('/schema')}`,
        `GET ${p('/schemas/{version}')}`,
        `GET ${p('/schemas/{version}/diff')}`,
        `POST ${p('/branches/{branch}/migrate')}`,
        `GET ${p('/branches/{branch}/migration-status')}`,
        `GET ${p('/verify')}`,
        `POST ${p('/gc')}`,
        `GET ${p('/indexes')}`,
        `POST ${p('/indexes/build')}`,
        `GET ${p('/reflog')}`,
        `GET ${p('/query/explain')}`,
        `GET ${p('/export')}`,
        `POST ${p('/export')}`,
        `GET ${p('/splits')}`,
        `POST ${p('/branches/{branch}/splits')}`,
        `GET ${p('/operations')}`,
        `GET ${p('/operations/{id}')}`,
        `GET ${p('/operations/{id}/events')}`,
        `GET ${p('/operations/{id}/download')}`,
      ]),
    );
    const gc = doc.paths[p('/gc')].post;
    expect(Object.keys(gc.responses)).toEqual(expect.arrayContaining(['200', '202', '403']));
    expect(gc.parameters.map((x: { name: string }) => x.name)).toContain('async');
  });
});
