/**
 * Schemas and migrations through the server: versions created from JSON documents (review
 * role), shown, logged and diffed; a bad document is refused at its line in the client's own
 * text; a branch migrated (dry run first, writing nothing; then one commit authored by the
 * caller) and its needs_review labels listed, as `verso schema` and `verso migrate` do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const V1 = {
  message: 'the first taxonomy',
  classes: [
    { id: 1, name: 'person' },
    {
      id: 2,
      name: 'car',
      attributes: { color: { type: 'enum', values: ['red', 'blue'], required: true } },
    },
    { id: 3, name: 'truck' },
    { id: 4, name: 'vehicle' },
  ],
};
const V2 = {
  classes: [
    { id: 1, name: 'pedestrian' },
    { id: 4, name: 'vehicle' },
    { id: 5, name: 'sedan' },
    { id: 6, name: 'suv' },
  ],
  ops: [
    { op: 'merge_classes', from: [3], into: 4 },
    { op: 'split_class', id: 2, into: [5, 6] },
  ],
};
const LABELS = [
  { image: 'a', label: '1', category_id: 1, category: 'person', bbox: [1, 2, 3, 4] },
  {
    image: 'a',
    label: '2',
    category_id: 2,
    category: 'car',
    attributes: { color: 'red' },
    review: { status: 'approved', reviewer: 'r1' },
  },
  { image: 'b', label: '1', category_id: 3, category: 'truck' },
];

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  // The labels carry a review: importing reviews needs the review role.
  const imported = await s.http('POST', s.repoPath('/branches/main/import'), {
    token: s.tokens.review,
    body: LABELS.map((l) => JSON.stringify(l)).join('\n') + '\n',
  });
  expect(imported.status).toBe(200);
});

const head = async () =>
  (await s.http('GET', s.repoPath('/commits/main'), { token: s.tokens.read })).json().commit;

describe('server: schemas', () => {
  it('creates versions (review role) and shows, logs and diffs them', async () => {
    const review = { token: s.tokens.review };
    const denied = await s.http('POST', s.repoPath('/schemas/1.0'), {
      token: s.tokens.annotate,
      json: V1,
    });
    expect([denied.status, denied.json().error.code]).toEqual([403, 'FORBIDDEN']);

    const v1 = await s.http('POST', s.repoPath('/schemas/1.0'), { ...review, json: V1 });
    expect(v1.status).toBe(201);
    expect(v1.json()).toMatchObject({ version: '1.0', parent: null, classes: 4 });
    const same = await s.http('POST', s.repoPath('/schemas/1.1'), { ...review, json: V1 });
    expect([same.status, same.json().error.message]).toEqual([
      400,
      "invalid schema version '1.1': it is identical to its parent '1.0'",
    ]);
    const again = await s.http('POST', s.repoPath('/schemas/1.0'), { ...review, json: V2 });
    expect(again.status).toBe(409);
    const v2 = await s.http('POST', s.repoPath('/schemas/2.0?message=split%20cars'), {
      ...review,
      json: V2,
    });
    expect(v2.status).toBe(201);
    expect(v2.json()).toMatchObject({ version: '2.0', parent: '1.0', classes: 4 });

    const read = { token: s.tokens.read };
    const log = (await s.http('GET', s.repoPath('/schemas'), read)).lines();
    expect(log.map((v) => [v.version, v.parent, v.author, v.message])).toEqual([
      ['2.0', '1.0', 'review-user', 'split cars'],
      ['1.0', null, 'review-user', 'the first taxonomy'],
    ]);
    expect(log[0].created_at).toEqual(expect.any(String));
    const shown = (await s.http('GET', s.repoPath('/schemas/1.0'), read)).json();
    expect(shown.classes.map((c: { name: string }) => c.name)).toEqual([
      'person',
      'car',
      'truck',
      'vehicle',
    ]);
    expect(shown.classes[1].attributes).toEqual(V1.classes[1]!.attributes);
    expect((await s.http('GET', s.repoPath('/schema'), read)).json().version).toBe('2.0');
    const early = await s.http('GET', s.repoPath('/schema?at=2000-01-01'), read);
    expect(early.status).toBe(404);
    const diff = (await s.http('GET', s.repoPath('/schemas/2.0/diff?from=1.0'), read)).json();
    expect(diff).toMatchObject({ from: '1.0', to: '2.0', recorded: true });
    expect(diff.steps.map((st: { op: { op: string } }) => st.op.op)).toContain('split_class');
    const unknown = await s.http('GET', s.repoPath('/schemas/7.0'), read);
    expect(unknown.status).toBe(404);
  });

  it("refuses a bad document at its line in the client's text, and stores nothing", async () => {
    // Laid out by hand: the bad class is on line 4 (re-serialized JSON would move it).
    const text =
      '{"classes": [\n  {"id": 1, "name": "person"},\n\n  {"id": 2},\n  {"id": 3, "name": "x"}\n]}\n';
    const res = await s.http('POST', s.repoPath('/schemas/3.0'), {
      token: s.tokens.review,
      body: text,
      contentType: 'application/json',
    });
    expect(res.status).toBe(422);
    expect(res.json().error.message).toMatch(/^request body:4 /);
    expect(res.text).not.toMatch(/upload-/);
    const notJson = await s.http('POST', s.repoPath('/schemas/3.0'), {
      token: s.tokens.review,
      body: '{"classes": [',
      contentType: 'application/json',
    });
    expect([notJson.status, notJson.json().error.code]).toEqual([400, 'BAD_REQUEST']);
    const ndjson = await s.http('POST', s.repoPath('/schemas/3.0'), {
      token: s.tokens.review,
      body: JSON.stringify(V1),
      contentType: 'application/x-ndjson',
    });
    expect([ndjson.status, ndjson.json().error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const badName = await s.http('POST', s.repoPath('/schemas/..%2Fx'), {
      token: s.tokens.review,
      json: V1,
    });
    expect(badName.status).toBe(400);
    const log = (await s.http('GET', s.repoPath('/schemas'), { token: s.tokens.read })).lines();
    expect(log.map((v) => v.version)).toEqual(['2.0', '1.0']);
  });

  it('migrates a branch: dry run writes nothing, then one commit per version', async () => {
    const review = { token: s.tokens.review };
    const before = await head();
    const dry = await s.http('POST', s.repoPath('/branches/main/migrate'), {
      ...review,
      json: { to: '1.0', dry_run: true },
    });
    expect(dry.status).toBe(200);
    expect(dry.json()).toMatchObject({
      branch: 'main',
      from: null,
      to: '1.0',
      dry_run: true,
      labels: 3,
    });
    expect(dry.json().commit).toBeUndefined();
    expect(await head()).toBe(before);

    const denied = await s.http('POST', s.repoPath('/branches/main/migrate'), {
      token: s.tokens.annotate,
      json: { to: '1.0' },
    });
    expect(denied.status).toBe(403);
    const adopted = await s.http('POST', s.repoPath('/branches/main/migrate'), {
      ...review,
      json: { to: '1.0' },
    });
    expect(adopted.status).toBe(200);
    expect(adopted.json().commit).toMatchObject({ committed: true });

    // A policy (the CLI's --policy file) changes what an op does.
    const reviewAll = await s.http('POST', s.repoPath('/branches/main/migrate'), {
      ...review,
      json: { to: '2.0', dry_run: true, policy: { merge_classes: 'review' } },
    });
    expect(reviewAll.status).toBe(200);
    expect(reviewAll.json()).toMatchObject({ rewritten: 1, marked: 2 });
    const badPolicy = await s.http('POST', s.repoPath('/branches/main/migrate'), {
      ...review,
      json: { to: '2.0', policy: { merge_classes: 'sometimes' } },
    });
    expect(badPolicy.status).toBeGreaterThanOrEqual(400);
    expect(badPolicy.status).toBeLessThan(500);
    expect(badPolicy.text).not.toMatch(/upload-/);

    const migrated = await s.http('POST', s.repoPath('/branches/main/migrate'), {
      ...review,
      json: { to: '2.0', message: 'to 2.0' },
    });
    expect(migrated.status).toBe(200);
    expect(migrated.json()).toMatchObject({ from: '1.0', to: '2.0', rewritten: 2, marked: 1 });
    const show = (await s.http('GET', s.repoPath('/commits/main'), review)).json();
    expect(show).toMatchObject({ schema: '2.0', message: 'to 2.0', author: 'review-user' });

    const status = await s.http('GET', s.repoPath('/branches/main/migration-status'), {
      token: s.tokens.read,
    });
    expect(status.json()).toEqual({
      branch: 'main',
      schema: '2.0',
      needs_review: [{ image: 'a', label: '2', reason: expect.stringContaining('split_class') }],
    });
    const same = await s.http('POST', s.repoPath('/branches/main/migrate'), {
      ...review,
      json: { to: '2.0' },
    });
    expect(same.status).toBe(400);
    const noBranch = await s.http('GET', s.repoPath('/branches/nope/migration-status'), {
      token: s.tokens.read,
    });
    expect(noBranch.status).toBe(404);
  });
});
