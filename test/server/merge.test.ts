/**
 * Merges through the server: a merge that stops on a conflict answers 409 with the pending
 * merge (base/ours/theirs), status lists it, resolve and commit land a merge commit with the
 * same snapshot the library makes from the same steps, and refusals (unknown branch, a second
 * merge while one is pending, bad resolve bodies) are JSON errors that write nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importLabels } from '../../src/api/ingest/index.js';
import { commitMerge, merge, resolveConflicts } from '../../src/api/merge/index.js';
import { createBranch, initRepository, openRepository } from '../../src/api/repository/index.js';
import { applyEdits } from '../../src/api/write/index.js';
import { startTestServer, type TestServer } from './harness.js';

const TIME = '2026-03-01T12:00:00.000Z';
const LABELS = [
  { image: 'a.jpg', label: '1', category: 'car', bbox: [1, 2, 3, 4] },
  { image: 'b.jpg', label: '1', category: 'dog', bbox: [5, 6, 7, 8] },
];
const ON_FEATURE = [
  { op: 'patch', image: 'a.jpg', label: '1', category: 'bus' },
  { op: 'put', image: 'c.jpg', label: '1', category: 'cat', bbox: [1, 1, 2, 2] },
];
const ON_MAIN = [{ op: 'patch', image: 'a.jpg', label: '1', category: 'truck' }];
const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

const folders: string[] = [];
afterAll(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

/** A server whose main and feature branches both changed a.jpg/1 (through HTTP). */
async function divergedServer(): Promise<TestServer> {
  const s = await startTestServer({ commitTime: TIME });
  const annotate = { token: s.tokens.annotate };
  const steps = [
    await s.http('POST', s.repoPath('/branches/main/import'), {
      ...annotate,
      body: ndjson(LABELS),
    }),
    await s.http('POST', s.repoPath('/branches'), { ...annotate, json: { name: 'feature' } }),
    await s.http('POST', s.repoPath('/branches/feature/apply'), {
      ...annotate,
      body: ndjson(ON_FEATURE),
    }),
    await s.http('POST', s.repoPath('/branches/main/apply'), {
      ...annotate,
      body: ndjson(ON_MAIN),
    }),
  ];
  expect(steps.map((r) => r.status)).toEqual([200, 201, 200, 200]);
  return s;
}

/** The same steps through the library, as the same author at the same time. */
async function librarySnapshot(choice: 'ours' | 'theirs'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'verso-merge-lib-'));
  folders.push(dir);
  const clock = { now: () => new Date(TIME), queryNow: () => Date.parse(TIME) };
  await initRepository(join(dir, 'repo'), { clock });
  const repo = await openRepository(join(dir, 'repo'), {
    clock,
    identity: { author: 'annotate-user' },
  });
  try {
    const file = (name: string, records: unknown[]) => {
      writeFileSync(join(dir, name), ndjson(records));
      return join(dir, name);
    };
    await importLabels(repo, { file: file('labels.jsonl', LABELS), branch: 'main' });
    await createBranch(repo, 'feature', 'main');
    await applyEdits(repo, { file: file('feature.jsonl', ON_FEATURE), branch: 'feature' });
    await applyEdits(repo, { file: file('main.jsonl', ON_MAIN), branch: 'main' });
    await expect(merge(repo, { source: 'feature', into: 'main' })).rejects.toMatchObject({
      code: 'MERGE_CONFLICT',
    });
    await resolveConflicts(repo, { into: 'main', id: 'a.jpg/1', choice });
    return (await commitMerge(repo, 'main')).snapshot;
  } finally {
    await repo.close();
  }
}

describe('server: merges', () => {
  it('stops on a conflict, lists it, resolves and commits the snapshot the library makes', async () => {
    const s = await divergedServer();
    const annotate = { token: s.tokens.annotate };
    const mainBefore = (await s.http('GET', s.repoPath('/commits/main'), annotate)).json().commit;

    const stopped = await s.http('POST', s.repoPath('/merges'), {
      ...annotate,
      json: { into: 'main', from: 'feature' },
    });
    expect(stopped.status).toBe(409);
    const error = stopped.json().error;
    expect(error.code).toBe('MERGE_CONFLICT');
    expect(error.data.conflicts).toBe(1);
    expect(error.data.merge.truncated).toBe(false);
    expect(error.data.merge.conflicts).toEqual([
      {
        id: 'labels/a.jpg/1',
        kind: 'modify/modify',
        tree: 'labels',
        base: { category: 'car', bbox: [1, 2, 3, 4] },
        ours: { category: 'truck', bbox: [1, 2, 3, 4] },
        theirs: { category: 'bus', bbox: [1, 2, 3, 4] },
      },
    ]);
    // Nothing moved.
    expect((await s.http('GET', s.repoPath('/commits/main'), annotate)).json().commit).toBe(
      mainBefore,
    );

    const status = await s.http('GET', s.repoPath('/merges/main'), { token: s.tokens.read });
    expect(status.status).toBe(200);
    expect(status.json()).toMatchObject({
      into: 'main',
      source: 'feature',
      ours: mainBefore,
      started_by: 'annotate-user',
      undecided: 1,
      conflicts: error.data.merge.conflicts,
    });

    const resolved = await s.http('POST', s.repoPath('/merges/main/resolve'), {
      ...annotate,
      json: { id: 'a.jpg/1', choice: 'theirs' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.json()).toEqual({ resolved: ['labels/a.jpg/1'], undecided: 0, dropped: {} });

    const committed = await s.http('POST', s.repoPath('/merges/main/commit'), annotate);
    expect(committed.status).toBe(200);
    const result = committed.json();
    expect(result).toMatchObject({ committed: true, resolutions: 1 });
    expect(result.snapshot).toBe(await librarySnapshot('theirs'));
    expect(result.snapshot).not.toBe(await librarySnapshot('ours'));

    const show = (await s.http('GET', s.repoPath('/commits/main'), annotate)).json();
    expect(show.commit).toBe(result.commit);
    expect(show.parents[0]).toBe(mainBefore);
    expect(show.operations.resolutions[0]).toMatchObject({
      id: 'labels/a.jpg/1',
      choice: 'theirs',
      by: 'annotate-user',
    });
    const gone = await s.http('GET', s.repoPath('/merges/main'), annotate);
    expect([gone.status, gone.json().error.code]).toEqual([404, 'NO_PENDING_MERGE']);
  });

  it('resolves with a value from the body, checked like a written label (null deletes)', async () => {
    const s = await divergedServer();
    const annotate = { token: s.tokens.annotate };
    await s.http('POST', s.repoPath('/merges'), {
      ...annotate,
      json: { into: 'main', from: 'feature' },
    });
    const bad = await s.http('POST', s.repoPath('/merges/main/resolve'), {
      ...annotate,
      json: { id: 'a.jpg/1', choice: 'value', value: { category: 'van', bbox: [1, 2] } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json().error.code).toBe('FORMAT_PARSE');
    expect(bad.json().error.message).toMatch(/request body/);
    expect(bad.text).not.toMatch(/upload-/);

    const value = await s.http('POST', s.repoPath('/merges/main/resolve'), {
      ...annotate,
      json: { id: 'a.jpg/1', choice: 'value', value: { category: 'van' } },
    });
    expect(value.status).toBe(200);
    expect(value.json().dropped).toEqual({
      'labels/a.jpg/1': [{ field: 'bbox', from: ['ours', 'theirs'] }],
    });
    const status = (await s.http('GET', s.repoPath('/merges/main'), annotate)).json();
    expect(status.conflicts[0].resolution).toMatchObject({ choice: 'value', by: 'annotate-user' });

    // Deciding again replaces the decision: null deletes the label.
    const deleted = await s.http('POST', s.repoPath('/merges/main/resolve'), {
      ...annotate,
      json: { id: 'labels/a.jpg/1', choice: 'value', value: null },
    });
    expect(deleted.status).toBe(200);
    const committed = await s.http(
      'POST',
      s.repoPath('/merges/main/commit?message=merged'),
      annotate,
    );
    expect(committed.status).toBe(200);
    const labels = (await s.http('GET', s.repoPath('/labels?ref=main'), annotate)).lines();
    expect(labels.map((l) => `${l.image}/${l.label}`)).toEqual(['b.jpg/1', 'c.jpg/1']);
    const log = (await s.http('GET', s.repoPath('/log?max_count=1'), annotate)).lines();
    expect(log[0]).toMatchObject({ message: 'merged', author: 'annotate-user' });
  });

  it('fast-forwards, and refuses bad requests with JSON errors, writing nothing', async () => {
    const s = await divergedServer();
    const annotate = { token: s.tokens.annotate };
    const refs = async () => (await s.http('GET', s.repoPath('/refs'), annotate)).json();
    const before = await refs();

    const unknown = await s.http('POST', s.repoPath('/merges'), {
      ...annotate,
      json: { into: 'main', from: 'nope' },
    });
    expect([unknown.status, unknown.json().error.code]).toEqual([404, 'REF_NOT_FOUND']);
    const noBranch = await s.http('POST', s.repoPath('/merges'), {
      ...annotate,
      json: { into: 'nope', from: 'feature' },
    });
    expect(noBranch.status).toBe(404);
    const reader = await s.http('POST', s.repoPath('/merges'), {
      token: s.tokens.read,
      json: { into: 'main', from: 'feature' },
    });
    expect([reader.status, reader.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const missing = await s.http('POST', s.repoPath('/merges'), {
      ...annotate,
      json: { into: 'main' },
    });
    expect([missing.status, missing.json().error.code]).toEqual([400, 'BAD_REQUEST']);
    expect(await refs()).toEqual(before);

    await s.http('POST', s.repoPath('/merges'), {
      ...annotate,
      json: { into: 'main', from: 'feature' },
    });
    const again = await s.http('POST', s.repoPath('/merges'), {
      ...annotate,
      json: { into: 'main', from: 'feature' },
    });
    expect(again.status).toBe(409);
    expect(again.json().error.code).toBe('MERGE_IN_PROGRESS');
    for (const body of [
      { choice: 'ours' },
      { id: 'a.jpg/1', all: true, choice: 'ours' },
      { id: 'a.jpg/1', choice: 'value' },
      { id: 'a.jpg/1', choice: 'ours', value: null },
      { id: 'a.jpg/1', choice: 'maybe' },
    ]) {
      const r = await s.http('POST', s.repoPath('/merges/main/resolve'), {
        ...annotate,
        json: body,
      });
      expect([r.status, r.json().error.code]).toEqual([400, 'BAD_REQUEST']);
    }
    const unknownId = await s.http('POST', s.repoPath('/merges/main/resolve'), {
      ...annotate,
      json: { id: 'z.jpg/9', choice: 'ours' },
    });
    expect([unknownId.status, unknownId.json().error.code]).toEqual([404, 'UNKNOWN_CONFLICT']);
    const early = await s.http('POST', s.repoPath('/merges/main/commit'), annotate);
    expect([early.status, early.json().error.code]).toEqual([409, 'UNDECIDED_CONFLICTS']);
    expect((await s.http('GET', s.repoPath('/merges/main'), annotate)).json().undecided).toBe(1);
    expect(await refs()).toEqual(before);

    const aborted = await s.http('POST', s.repoPath('/merges/main/abort'), annotate);
    expect([aborted.status, aborted.json()]).toEqual([200, { conflicts: 1 }]);
    expect((await s.http('GET', s.repoPath('/merges/main'), annotate)).status).toBe(404);
    expect(await refs()).toEqual(before);

    const head = before.refs.find((r: { name: string }) => r.name === 'main').target;
    await s.http('POST', s.repoPath('/branches'), {
      ...annotate,
      json: { name: 'behind', from: 'main~1' },
    });
    const ff = await s.http('POST', s.repoPath('/merges'), {
      ...annotate,
      json: { into: 'behind', from: 'main' },
    });
    expect(ff.json()).toMatchObject({ status: 'fast-forward', head });
    const upToDate = await s.http('POST', s.repoPath('/merges'), {
      ...annotate,
      json: { into: 'behind', from: 'main' },
    });
    expect(upToDate.json()).toEqual({ status: 'up-to-date', head });
  });

  it('runs a merge as an operation: a conflict fails it with the 409 error and the pending merge', async () => {
    const s = await divergedServer();
    const annotate = { token: s.tokens.annotate };
    const started = await s.http('POST', s.repoPath('/merges?async=true'), {
      ...annotate,
      json: { into: 'main', from: 'feature' },
    });
    expect(started.status).toBe(202);
    let view;
    for (let i = 0; i < 200; i++) {
      view = (await s.http('GET', started.json().url, annotate)).json();
      if (view.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(view).toMatchObject({ kind: 'merge', state: 'failed', status: 409 });
    expect(view.error.code).toBe('MERGE_CONFLICT');
    expect(view.error.data.merge.conflicts.map((c: { id: string }) => c.id)).toEqual([
      'labels/a.jpg/1',
    ]);
    const status = await s.http('GET', s.repoPath('/merges/main'), annotate);
    expect(status.json().conflicts).toEqual(view.error.data.merge.conflicts);
  });
});
