/**
 * The server's core routes against a real server: writes through apply and import are authored
 * by the token's identity, reads (log, show, labels, count, diff) give what the library gives,
 * and errors are JSON with stable codes and the right statuses, with nothing written.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from './harness.js';

const LABELS = [
  { image: 'a.jpg', label: '1', category: 'car', bbox: [1, 2, 3, 4] },
  { image: 'b.jpg', label: '1', category: 'dog', bbox: [5, 6, 7, 8] },
  { image: 'c.jpg', label: '1', category: 'car', bbox: [1, 1, 2, 2] },
];
const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('server: labels in and out', () => {
  it('imports, applies, and reads back what it wrote, authored by the token', async () => {
    const s = await startTestServer();
    const imported = await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.annotate,
      body: ndjson(LABELS),
    });
    expect(imported.status).toBe(200);
    expect(imported.json().labels).toEqual({ added: 3, removed: 0, modified: 0 });

    const applied = await s.http('POST', s.repoPath('/branches/main/apply?message=fix'), {
      token: s.tokens.annotate,
      body: ndjson([{ op: 'patch', image: 'b.jpg', label: '1', category: 'car' }]),
    });
    expect(applied.status).toBe(200);
    const head = applied.json().commit as string;

    const log = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines();
    expect(log[0].id).toBe(head);
    expect(log[0].author).toBe('annotate-user');
    expect(log[0].message).toBe('fix');
    expect(log).toHaveLength(3);

    const cars = await s.http('GET', s.repoPath('/count?where=class%20%3D%20car'), {
      token: s.tokens.read,
    });
    expect(cars.json()).toMatchObject({ commit: head, labels: 3 });

    const labels = (
      await s.http('GET', s.repoPath('/labels?ref=main'), { token: s.tokens.read })
    ).lines();
    expect(labels.map((l) => [l.image, l.category])).toEqual([
      ['a.jpg', 'car'],
      ['b.jpg', 'car'],
      ['c.jpg', 'car'],
    ]);

    const diff = (
      await s.http('GET', s.repoPath('/diff?from=main~1&to=main'), { token: s.tokens.read })
    ).lines();
    expect(diff).toHaveLength(1);
    expect(diff[0]).toMatchObject({ tree: 'labels', change: 'modified', key: { image: 'b.jpg' } });

    const show = await s.http('GET', s.repoPath(`/commits/${head.slice(0, 12)}`), {
      token: s.tokens.read,
    });
    expect(show.json()).toMatchObject({ commit: head, counts: { labels: 3 } });
  });

  it('refuses a bad line with 422 naming the body line, and writes nothing', async () => {
    const s = await startTestServer();
    const before = (await s.http('GET', s.repoPath('/refs'), { token: s.tokens.read })).json();
    const bad = await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.annotate,
      body: ndjson([LABELS[0]]) + '{"image": "x.jpg", "label": \n',
    });
    expect(bad.status).toBe(422);
    expect(bad.json().error.code).toBe('FORMAT_PARSE');
    expect(bad.json().error.message).toMatch(/request body:2/);
    expect(bad.text).not.toMatch(/upload-/);
    const after = (await s.http('GET', s.repoPath('/refs'), { token: s.tokens.read })).json();
    expect(after).toEqual(before);
  });

  it('answers unknown refs, routes and repositories with 404 and a code', async () => {
    const s = await startTestServer();
    const ref = await s.http('GET', s.repoPath('/log?ref=nope'), { token: s.tokens.read });
    expect([ref.status, ref.json().error.code]).toEqual([404, 'REF_NOT_FOUND']);
    const route = await s.http('GET', '/nowhere', { token: s.tokens.read });
    expect([route.status, route.json().error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    const repo = await s.http('GET', '/repos/..%2Fetc/log', { token: s.tokens.read });
    expect([repo.status, repo.json().error.code]).toEqual([404, 'REPOSITORY_NOT_FOUND']);
  });

  it('refuses missing, unknown and under-privileged tokens before reading the body', async () => {
    const s = await startTestServer();
    const none = await s.http('GET', s.repoPath('/refs'));
    expect([none.status, none.json().error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const wrong = await s.http('GET', s.repoPath('/refs'), { token: 'verso_nope' });
    expect(wrong.status).toBe(401);
    const reader = await s.http('POST', s.repoPath('/branches/main/apply'), {
      token: s.tokens.read,
      body: ndjson([{ op: 'put', ...LABELS[0] }]),
    });
    expect([reader.status, reader.json().error.code]).toEqual([403, 'FORBIDDEN']);
    const refs = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines();
    expect(refs).toHaveLength(1);
  });
});

describe('server: reviews are the caller', () => {
  it('stamps the reviewer and time of a review an apply writes', async () => {
    const s = await startTestServer({ commitTime: '2026-12-01T10:00:00.000Z' });
    await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.annotate,
      body: ndjson(LABELS),
    });
    const ok = await s.http('POST', s.repoPath('/branches/main/apply'), {
      token: s.tokens.review,
      body: ndjson([{ op: 'patch', image: 'a.jpg', label: '1', review: { status: 'approved' } }]),
    });
    expect(ok.status).toBe(200);
    const a = (await s.http('GET', s.repoPath('/labels'), { token: s.tokens.read })).lines()[0];
    expect(a.review).toEqual({
      status: 'approved',
      reviewer: 'review-user',
      reviewed_at: '2026-12-01T10:00:00.000Z',
    });
  });

  it('refuses a review under another name, and reviews by a token below review', async () => {
    const s = await startTestServer();
    await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.annotate,
      body: ndjson(LABELS),
    });
    const head = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines()[0].id;
    const forged = await s.http('POST', s.repoPath('/branches/main/apply'), {
      token: s.tokens.review,
      body: ndjson([
        { op: 'patch', image: 'a.jpg', label: '1', category: 'bus' },
        {
          op: 'patch',
          image: 'b.jpg',
          label: '1',
          review: { status: 'approved', reviewer: 'boss' },
        },
      ]),
    });
    expect([forged.status, forged.json().error.code]).toEqual([403, 'FORBIDDEN']);
    expect(forged.json().error.message).toMatch(/request body:2: review by 'boss'/);
    const annotator = await s.http('POST', s.repoPath('/branches/main/apply'), {
      token: s.tokens.annotate,
      body: ndjson([{ op: 'patch', image: 'a.jpg', label: '1', review: null }]),
    });
    expect(annotator.status).toBe(403);
    const imported = await s.http('POST', s.repoPath('/branches/main/import?mode=upsert'), {
      token: s.tokens.annotate,
      body: ndjson([{ ...LABELS[0], review: { status: 'approved', reviewer: 'x' } }]),
    });
    expect(imported.status).toBe(403);
    const after = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines()[0].id;
    expect(after).toBe(head);
  });
});
