/**
 * The prediction-store verbs over HTTP (issue 17) against a real server, on the real Pascal VOC
 * 2012 ground truth and the real detector predictions shipped with it (COCO), answers checked
 * against the OpenAPI document by the harness: `GET /disagreements`, `POST /slices`, `GET
 * /slices/S` and `GET /slices/S/export` answer exactly what the library (the CLI's `--json`)
 * answers on the same repository; `POST /branches/B/promote` commits the drafts as the caller,
 * the same labels the library promotes, and again changes nothing; `POST /slices/S/branch`
 * starts the branch at the slice's commit. Refusals (role, a protected branch, a branch not at
 * `expected_head`, unknown set, slice, ref or branch, bad input, an existing branch) answer
 * their status and write nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCoco } from '../../src/api/interchange/index.js';
import {
  disagreementsJson,
  exportSlice,
  importPredictions,
  listDisagreements,
  promoteJson,
  promotePredictions,
  registerModel,
  showSlice,
  sliceJson,
  startRun,
} from '../../src/api/lineage/index.js';
import { catLabels } from '../../src/api/read/index.js';
import { createBranch, openRepository, type Repository } from '../../src/api/repository/index.js';
import { applyEdits } from '../../src/api/write/index.js';
import { startTestServer, type TestServer } from './harness.js';

const DATA = join(
  import.meta.dirname,
  '../../../shared/data/real/coco/review_object_detection_metrics/data/database',
);
const GT = join(DATA, 'gts/coco_format_v1/instances_default.json');
const DETS = join(DATA, 'dets/coco_format/coco_dets.json');

/** main: the VOC ground truth, every label approved by rita; det@1: the real detections. */
async function setup(repo: Repository, dir: string): Promise<void> {
  await importCoco(repo, { file: GT, branch: 'main' });
  const { run } = await startRun(repo, { dataset: 'main' });
  await registerModel(repo, { run: run.id, name: 'det', version: '1' });
  const results = join(dir, 'results.json');
  const dets = JSON.parse(readFileSync(DETS, 'utf8')) as { annotations: unknown[] };
  writeFileSync(results, JSON.stringify(dets.annotations));
  await importPredictions(repo, { model: 'det@1', format: 'coco', path: results, cocoFile: DETS });
  const approve: string[] = [];
  for await (const line of catLabels(repo, 'main')) {
    const l = JSON.parse(line) as { image: string; label: string };
    approve.push(
      JSON.stringify({
        op: 'patch',
        image: l.image,
        label: l.label,
        review: { status: 'approved', reviewer: 'rita' },
      }),
    );
  }
  await applyEdits(repo, { lines: approve, source: 'approve', branch: 'main' });
}

/** The library's answers on the server's repository, once the server has stopped. */
async function afterStop<T>(s: TestServer, read: (repo: Repository) => Promise<T>): Promise<T> {
  await s.server.close();
  const repo = await openRepository(s.repoDir);
  try {
    return await read(repo);
  } finally {
    await repo.close();
  }
}

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('server: disagreements, promote and slices', () => {
  it('answers disagreements, slices and slice exports as the library does', async () => {
    const s = await startTestServer({ setup });
    const read = { token: s.tokens.read };
    const annotate = { token: s.tokens.annotate };
    const q = '/disagreements?dataset=main&predictions=det%401';
    const all = await s.http('GET', s.repoPath(q), read);
    expect(all.status, all.text).toBe(200);
    expect(all.json().disagreements.length).toBeGreaterThan(0);
    const confident = await s.http('GET', s.repoPath(`${q}&min_score=0.3`), read);
    expect(confident.json().min_score).toBe(0.3);

    const sel = await s.http('POST', s.repoPath('/select'), {
      ...annotate,
      json: {
        dataset: 'main',
        predictions: 'det@1',
        strategy: 'disagreement',
        top: 3,
        name: 'confused',
      },
    });
    expect(sel.status, sel.text).toBe(200);
    const saved = await s.http('POST', s.repoPath('/slices'), {
      ...annotate,
      json: { name: 'persons', dataset: 'main', where: 'class = person' },
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json()).toMatchObject({ name: 'persons', filter: 'class = person' });
    const again = await s.http('POST', s.repoPath('/slices'), {
      ...annotate,
      json: { name: 'other', dataset: 'main', where: 'class = person' },
    });
    expect(again.json()).toEqual(saved.json());

    const selection = sel.json<{ slice: string; images: string[] }>();
    const byName = await s.http('GET', s.repoPath('/slices/confused'), read);
    const byPrefix = await s.http(
      'GET',
      s.repoPath(`/slices/${selection.slice.slice(0, 8)}`),
      read,
    );
    expect(byName.status, byName.text).toBe(200);
    expect(byPrefix.json()).toEqual(byName.json());
    expect(byName.json().images.map((i: { image: string }) => i.image)).toEqual(selection.images);
    const persons = await s.http('GET', s.repoPath('/slices/persons'), read);
    expect(persons.json().images).toBeUndefined();

    const exports: Record<string, { text: string; commit: string | null; labels: string | null }> =
      {};
    for (const [slice, format] of [
      ['confused', 'jsonl'],
      ['persons', 'coco'],
    ] as const) {
      const r = await s.http('GET', s.repoPath(`/slices/${slice}/export?format=${format}`), read);
      expect(r.status, r.text).toBe(200);
      exports[slice] = {
        text: r.text,
        commit: r.headers.get('x-verso-commit'),
        labels: r.headers.get('x-verso-labels'),
      };
    }

    const out = mkdtempSync(join(tmpdir(), 'verso-slice-export-'));
    const expected = await afterStop(s, async (repo) => ({
      all: disagreementsJson(
        await listDisagreements(repo, { dataset: 'main', predictions: 'det@1' }),
      ),
      confident: disagreementsJson(
        await listDisagreements(repo, { dataset: 'main', predictions: 'det@1', minScore: 0.3 }),
      ),
      confused: sliceJson(await showSlice(repo, 'confused')),
      persons: sliceJson(await showSlice(repo, 'persons')),
      exports: {
        confused: await exportSlice(repo, {
          slice: 'confused',
          format: 'jsonl',
          out: join(out, 'c.jsonl'),
        }),
        persons: await exportSlice(repo, {
          slice: 'persons',
          format: 'coco',
          out: join(out, 'p.json'),
        }),
      },
    }));
    expect(all.json()).toEqual(plain(expected.all));
    expect(confident.json()).toEqual(plain(expected.confident));
    expect(byName.json()).toEqual(plain(expected.confused));
    expect(persons.json()).toEqual(plain(expected.persons));
    expect(saved.json()).toEqual(plain(expected.persons));
    for (const [slice, file] of [
      ['confused', 'c.jsonl'],
      ['persons', 'p.json'],
    ] as const) {
      const lib = expected.exports[slice];
      expect(exports[slice]).toEqual({
        text: readFileSync(join(out, file), 'utf8'),
        commit: lib.commit,
        labels: String(lib.labels),
      });
    }
  });

  it('promotes drafts as the caller, the labels the library promotes, and branches a slice', async () => {
    const s = await startTestServer({ setup });
    const annotate = { token: s.tokens.annotate };
    const branch = await s.http('POST', s.repoPath('/branches'), {
      ...annotate,
      json: { name: 'drafts' },
    });
    expect(branch.status, branch.text).toBe(201);
    const body = { set: 'det@1', where: 'score >= 0.8' };
    const promoted = await s.http('POST', s.repoPath('/branches/drafts/promote'), {
      ...annotate,
      json: body,
    });
    expect(promoted.status, promoted.text).toBe(200);
    const r = promoted.json();
    expect(r).toMatchObject({ model: 'det@1', branch: 'drafts', committed: true });
    expect(r.promoted).toBeGreaterThan(0);
    const log = await s.http('GET', s.repoPath('/log?ref=drafts&max_count=1'), annotate);
    expect(log.lines()[0]).toMatchObject({ id: r.commit, author: 'annotate-user' });
    const pending = await s.http(
      'GET',
      s.repoPath(`/count?ref=drafts&where=${encodeURIComponent('review.status = pending')}`),
      annotate,
    );
    expect(pending.json().labels).toBe(r.promoted);
    const again = await s.http('POST', s.repoPath('/branches/drafts/promote'), {
      ...annotate,
      json: { ...body, expected_head: r.commit },
    });
    expect(again.json()).toMatchObject({
      committed: false,
      commit: r.commit,
      promoted: 0,
      skipped_existing: r.promoted,
    });

    const saved = await s.http('POST', s.repoPath('/slices'), {
      ...annotate,
      json: { name: 'persons', dataset: 'main', where: 'class = person' },
    });
    const slice = saved.json<{ id: string; commit: string }>();
    const relabel = await s.http('POST', s.repoPath('/slices/persons/branch'), {
      ...annotate,
      json: { name: 'relabel' },
    });
    expect(relabel.status, relabel.text).toBe(201);
    expect(relabel.json()).toEqual({ slice: slice.id, branch: 'relabel', commit: slice.commit });

    const drafts = await s.http('GET', s.repoPath('/labels?ref=drafts'), annotate);
    const lib = await afterStop(s, async (repo) => {
      await createBranch(repo, 'drafts-lib', 'main');
      const answer = promoteJson(await promotePredictions(repo, { ...body, branch: 'drafts-lib' }));
      const labels: unknown[] = [];
      for await (const line of catLabels(repo, 'drafts-lib')) labels.push(JSON.parse(line));
      return { answer, labels };
    });
    const { commit: _c, branch: _b, ...counts } = r;
    const { commit: _lc, branch: _lb, ...libCounts } = lib.answer;
    expect(counts).toEqual(libCounts);
    expect(drafts.lines()).toEqual(lib.labels);
  });

  it('refuses roles, unknown names and bad input with their status, writing nothing', async () => {
    const s = await startTestServer({ setup });
    const read = { token: s.tokens.read };
    const annotate = { token: s.tokens.annotate };
    await s.http('POST', s.repoPath('/slices'), {
      ...annotate,
      json: { name: 'persons', dataset: 'main', where: 'class = person' },
    });
    await s.http('POST', s.repoPath('/branches'), { ...annotate, json: { name: 'guarded' } });
    const rule = await s.http('PUT', s.repoPath('/branches/guarded/protection'), {
      token: s.tokens.admin,
      json: { require: 'review' },
    });
    expect(rule.status, rule.text).toBe(200);
    const heads = async () =>
      (await s.http('GET', s.repoPath('/refs'), read)).json<{ refs: unknown[] }>().refs;
    const before = await heads();
    const slices = async () =>
      (await s.http('GET', s.repoPath('/slices/persons'), read)).json<{ id: string }>().id;
    const sliceBefore = await slices();
    const cases: [string, string, { token: string; json?: unknown }, number, RegExp?][] = [
      ['POST', '/branches/main/promote', { ...read, json: { set: 'det@1' } }, 403],
      ['POST', '/branches/guarded/promote', { ...annotate, json: { set: 'det@1' } }, 403],
      [
        'POST',
        '/branches/main/promote',
        { ...annotate, json: { set: 'det@1', expected_head: 'main~1' } },
        409,
        /moved/,
      ],
      ['POST', '/slices/persons/branch', { ...read, json: { name: 'x' } }, 403],
      ['POST', '/slices', { ...read, json: { name: 'x', dataset: 'main' } }, 403],
      ['POST', '/branches/main/promote', { ...annotate, json: { set: 'nope@9' } }, 404],
      ['POST', '/branches/nope/promote', { ...annotate, json: { set: 'det@1' } }, 404],
      [
        'POST',
        '/branches/main/promote',
        { ...annotate, json: { set: 'det@1', where: 'score >=' } },
        400,
      ],
      ['POST', '/branches/main/promote', { ...annotate, json: {} }, 400, /set/],
      ['GET', '/disagreements?dataset=main&predictions=nope%409', read, 404],
      ['GET', '/disagreements?dataset=nope&predictions=det%401', read, 404],
      ['GET', '/disagreements?dataset=main&predictions=det%401&min_score=2', read, 400],
      ['GET', '/disagreements?predictions=det%401', read, 400, /dataset/],
      ['GET', '/slices/nope', read, 404],
      ['GET', '/slices/nope/export?format=coco', read, 404],
      ['GET', '/slices/persons/export?format=png', read, 400],
      ['GET', '/slices/persons/export?format=coco&with_images=true', read, 400, /folder formats/],
      ['POST', '/slices/nope/branch', { ...annotate, json: { name: 'x' } }, 404],
      ['POST', '/slices/persons/branch', { ...annotate, json: { name: 'main' } }, 409],
      ['POST', '/slices', { ...annotate, json: { name: 'x', dataset: 'nope' } }, 404],
      ['POST', '/slices', { ...annotate, json: { name: 'x', dataset: 'main', where: '((' } }, 400],
    ];
    for (const [method, path, opts, status, message] of cases) {
      const a = await s.http(method, s.repoPath(path), opts);
      expect([path, a.status], a.text).toEqual([path, status]);
      if (message) expect(a.json().error.message).toMatch(message);
    }
    expect(await heads()).toEqual(before);
    expect(await slices()).toBe(sliceBefore);
    const listed = await afterStop(s, (repo) => repo.catalog.lineage.listSlices());
    expect(listed.map((x) => x.name)).toEqual(['persons']);
  });
});
