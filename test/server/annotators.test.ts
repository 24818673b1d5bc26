/**
 * Several annotators over HTTP: each annotator's labeling imported by POST
 * /branches/main/import?annotator=, read back by GET /labels?annotator= as the library reads it,
 * fused by POST /branches/main/consensus (a reviewer's commit, authored by the token's identity),
 * and GET /agreement answering what the library answers; the annotators' filter terms over
 * HTTP; wrong combinations, roles and names refused with nothing written.
 */
import { describe, expect, it } from 'vitest';
import { agreement, readLabelings } from '../../src/api/annotators/index.js';
import { openRepository } from '../../src/api/repository/index.js';
import { startTestServer, type TestServer } from './harness.js';

const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

type Line = { image: string; label: string; category: string; bbox: number[] };
const box = (x: number): number[] => [x, 0, 10, 10];
const LABELINGS: Record<string, Line[]> = {
  ann: [
    { image: 'i1', label: '1', category: 'cat', bbox: box(0) },
    { image: 'i2', label: '1', category: 'cat', bbox: box(5) },
  ],
  bob: [
    { image: 'i1', label: 'b1', category: 'cat', bbox: box(1) },
    { image: 'i2', label: 'b2', category: 'dog', bbox: box(5) },
  ],
  cyd: [
    { image: 'i1', label: 'c1', category: 'cat', bbox: box(0) },
    { image: 'i2', label: 'c2', category: 'cat', bbox: box(6) },
  ],
};

async function importAll(s: TestServer): Promise<void> {
  for (const [name, lines] of Object.entries(LABELINGS)) {
    const r = await s.http(
      'POST',
      s.repoPath(`/branches/main/import?annotator=${name}&allow_unknown_images=true`),
      {
        token: s.tokens.annotate,
        body: ndjson(lines),
        contentType: 'application/x-ndjson',
      },
    );
    expect([r.status, r.json().annotator, r.json().lines]).toEqual([200, name, 2]);
  }
}

describe('server: several annotators', () => {
  it('imports, reads back, fuses and scores labelings as the library does', async () => {
    const s = await startTestServer();
    await importAll(s);
    const labels = await s.http('GET', s.repoPath('/labels'), { token: s.tokens.read });
    expect(labels.lines()).toEqual([]); // annotations never touch the labels
    const bob = await s.http('GET', s.repoPath('/labels?annotator=bob'), { token: s.tokens.read });
    expect(bob.lines().map((l: Line) => [l.image, l.label, l.category])).toEqual(
      LABELINGS['bob']!.map((l) => [l.image, l.label, l.category]),
    );

    const refused = await s.http('POST', s.repoPath('/branches/main/consensus'), {
      token: s.tokens.annotate,
      json: { strategy: 'majority' },
    });
    expect(refused.status).toBe(403);
    const fused = await s.http('POST', s.repoPath('/branches/main/consensus'), {
      token: s.tokens.review,
      json: { strategy: 'majority', min_agreement: 2 },
    });
    expect(fused.status).toBe(200);
    expect(fused.json()).toMatchObject({ committed: true, written: 2, min_agreement: 2 });
    const log = await s.http('GET', s.repoPath('/log?ref=main'), { token: s.tokens.read });
    expect(log.lines()[0]).toMatchObject({ author: 'review-user' });
    const fusedLabels = await s.http('GET', s.repoPath('/labels'), { token: s.tokens.read });
    expect(fusedLabels.lines().map((l: Line) => [l.image, l.label, l.category])).toEqual([
      ['i1', '1', 'cat'],
      ['i2', '1', 'cat'],
    ]);
    // i1: the three agree; i2: ann and cyd say cat at IoU 0.82, bob dog: one pair of three.
    const low = await s.http('GET', s.repoPath('/count?where=agreement%20%3C%200.5'), {
      token: s.tokens.read,
    });
    expect(low.json().labels).toBe(1);

    const byAnnotator = await s.http('GET', s.repoPath('/agreement?ref=main&by=annotator'), {
      token: s.tokens.read,
    });
    expect(byAnnotator.status).toBe(200);
    await s.server.close();
    const repo = await openRepository(s.repoDir);
    try {
      const expected = await agreement(repo, 'main', { by: 'annotator' });
      expect(byAnnotator.json()).toEqual(JSON.parse(JSON.stringify(expected)));
      const lines: unknown[] = [];
      for await (const l of readLabelings(repo, 'main', { annotator: 'bob' })) lines.push(l);
      expect(bob.lines()).toEqual(JSON.parse(JSON.stringify(lines)));
    } finally {
      await repo.close();
    }
  });

  it('refuses wrong combinations and names, writing nothing', async () => {
    const s = await startTestServer();
    await importAll(s);
    const head = async () =>
      (await s.http('GET', s.repoPath('/log?ref=main'), { token: s.tokens.read })).lines()[0].id;
    const before = await head();
    const withMode = await s.http(
      'POST',
      s.repoPath('/branches/main/import?annotator=ann&mode=upsert'),
      {
        token: s.tokens.annotate,
        body: ndjson(LABELINGS['ann']!),
        contentType: 'application/x-ndjson',
      },
    );
    expect([withMode.status, withMode.json().error.message]).toEqual([
      400,
      expect.stringContaining('takes no mode'),
    ]);
    const withWhere = await s.http(
      'GET',
      s.repoPath('/labels?annotator=ann&where=class%20%3D%20cat'),
      {
        token: s.tokens.read,
      },
    );
    expect([withWhere.status, withWhere.json().error.message]).toEqual([
      400,
      'annotator= takes neither where nor schema',
    ]);
    const unknown = await s.http('GET', s.repoPath('/labels?annotator=nobody'), {
      token: s.tokens.read,
    });
    expect([unknown.status, unknown.json().error.message]).toEqual([
      404,
      expect.stringContaining('nobody'),
    ]);
    const badStrategy = await s.http('POST', s.repoPath('/branches/main/consensus'), {
      token: s.tokens.review,
      json: { strategy: 'vote' },
    });
    expect(badStrategy.status).toBe(400);
    const badRef = await s.http('GET', s.repoPath('/agreement?ref=nope'), { token: s.tokens.read });
    expect(badRef.status).toBe(404);
    expect(await head()).toBe(before);
  });
});
