/**
 * Secondary indexes through the CLI: a fresh import is indexed (maintained from the empty index
 * a new repository starts with), `count --explain` / `cat --explain` / `export --explain` say
 * when the index answers, the answers are right, an apply on a branch keeps its trees indexed,
 * gc after deleting the branch keeps verify clean and main's index answering, and a bad ref is
 * refused naming it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  expectOk,
  initRepo,
  parseJsonLines,
  useTempRoot,
  writeJsonLines,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('index');

interface IndexShowJson {
  readonly commit: string;
  readonly trees: readonly {
    readonly tree: 'labels' | 'reviews' | 'splits';
    readonly source: string;
    readonly fields: readonly string[];
    readonly index: string | null;
    readonly entries: number | null;
    readonly delta_entries?: number;
    readonly built?: 'built' | 'folded';
  }[];
}

interface ExplainJson {
  readonly commit: string;
  readonly where: string;
  readonly access: 'scan' | 'index';
  readonly labels: number;
  readonly candidates: number;
  readonly exact_count?: number;
  readonly steps: readonly string[];
}

const LABELS = 400;

/** 400 labels on 80 images: `rare` 1 in 40, `escalated` reviews 1 in 50, the rest common. */
function labelAt(i: number): LabelRecord {
  return {
    image: `img${String(Math.floor(i / 5)).padStart(3, '0')}`,
    label: String(i),
    category: i % 40 === 7 ? 'rare' : i % 2 === 0 ? 'car' : 'person',
    bbox: [i % 30, 1, 10, 10],
    annotator: i % 3 === 0 ? 'ann_a' : 'ann_b',
    review: {
      status: i % 50 === 3 ? 'escalated' : 'approved',
      reviewer: `rev_${i % 4}`,
      reviewed_at: `2026-0${1 + (i % 7)}-15T10:00:00Z`,
    },
  };
}

const records = Array.from({ length: LABELS }, (_, i) => labelAt(i));
const rareCount = records.filter((r) => r['category'] === 'rare').length;

let repo: TestRepo;

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  await repo.importLabels(writeJsonLines(join(tmp.dir('data'), 'labels.jsonl'), records));
  expect(rareCount).toBe(10);
}, 60_000);

const indexShow = (ref?: string) =>
  repo.json<IndexShowJson>(['index', 'show', ...(ref === undefined ? [] : [ref])]);
const explain = (cmd: readonly string[]) => repo.json<ExplainJson>([...cmd, '--explain']);
const countOf = async (ref: string, where: string) =>
  Number((await repo.ok(['count', ref, '--where', where])).trim());

describe('verso index show', () => {
  it('says a fresh import is indexed, per tree with its fields and entries', async () => {
    const out = (await repo.ok(['index', 'show'])).trim().split('\n');
    // Each label has a class and an annotator; each review a status, a reviewer and a time.
    expect(out).toEqual([
      `labels (class, annotator): ${2 * LABELS} entries`,
      `reviews (review.status, review.reviewer, review.at): ${3 * LABELS} entries`,
      'splits (split): 0 entries',
    ]);
  });

  it('--json: the commit, and per tree its source root, fields, index root and entries', async () => {
    const shown = await indexShow('main');
    const head = await repo.show('main');
    expect(shown.commit).toBe(head.commit);
    expect(shown.trees.map((t) => Object.keys(t).sort())).toEqual(
      Array(3).fill(['delta_entries', 'entries', 'fields', 'index', 'source', 'tree']),
    );
    expect(shown.trees.map((t) => [t.tree, t.source, t.fields, t.entries])).toEqual([
      ['labels', head.trees.labels, ['class', 'annotator'], 2 * LABELS],
      ['reviews', head.trees.reviews, ['review.status', 'review.reviewer', 'review.at'], 1200],
      ['splits', head.trees.splits, ['split'], 0],
    ]);
    for (const t of shown.trees) expect(t.index).toMatch(/^[0-9a-f]{64}$/);
    // `index show` defaults to main; `index build` on an indexed snapshot builds nothing.
    expect(await indexShow()).toEqual(shown);
    const built = await repo.json<IndexShowJson>(['index', 'build', 'main']);
    expect(built).toEqual(shown);
    expect(await repo.ok(['index', 'build'])).not.toContain('built now');
  });

  it('a bad ref exits non-zero naming the ref', async () => {
    for (const args of [
      ['index', 'show', 'no-such-ref'],
      ['index', 'build', 'no-such-ref'],
      ['count', 'no-such-ref', '--where', 'class = rare', '--explain'],
    ]) {
      const r = await repo.run(args);
      expectFailure(r, 1, 'no-such-ref');
      expect(r.stdout).toBe('');
    }
  });
});

describe('--explain and the answers', () => {
  it('count --where on a lone class comparison is answered by the index, and right', async () => {
    const lines = (await repo.ok(['count', 'main', '--where', 'class = rare', '--explain'])).split(
      '\n',
    );
    expect(lines[0]).toMatch(
      new RegExp(
        `^plan: count from the index \\(${rareCount} of ${LABELS} labels of [0-9a-f]{12}\\)$`,
      ),
    );
    expect(lines).toContain(`  a count is answered by the index alone: ${rareCount}`);
    expect(await countOf('main', 'class = rare')).toBe(rareCount);
    expect(await explain(['count', 'main', '--where', 'class = rare'])).toMatchObject({
      access: 'index',
      labels: LABELS,
      candidates: rareCount,
      exact_count: rareCount,
    });
    // A common class is still counted from the index, though reading its labels would scan.
    const common = await explain(['count', 'main', '--where', 'class = car']);
    expect(common).toMatchObject({ access: 'scan', exact_count: 200 });
    expect(await countOf('main', 'class = car')).toBe(200);
  });

  it('cat --where with a selective filter reads through the index and prints exactly the matches', async () => {
    const where = 'review.status = escalated';
    const text = await repo.ok(['cat', 'main', '--where', where, '--explain']);
    expect(text.split('\n')[0]).toMatch(
      /^plan: index, 8 candidates of 400 labels of [0-9a-f]{12}$/,
    );
    const printed = parseJsonLines<LabelRecord>(await repo.ok(['cat', 'main', '--where', where]));
    const expected = (await repo.cat('main')).filter(
      (r) => (r.review as { status?: string } | null)?.status === 'escalated',
    );
    expect(printed).toEqual(expected);
    expect(printed).toHaveLength(8);
    // A filter matching half the labels is scanned.
    expect(await repo.ok(['cat', 'main', '--where', 'annotator = ann_b', '--explain'])).toMatch(
      /^plan: scan all 400 labels/,
    );
  });

  it('export --explain reports the plan and writes nothing', async () => {
    const out = join(tmp.dir('export'), 'out.json');
    const e = await repo.json<ExplainJson>([
      'export',
      'main',
      '--format',
      'coco',
      '--out',
      out,
      '--where',
      'class = rare and annotator = ann_a',
      '--explain',
    ]);
    expect(e).toMatchObject({ access: 'index', where: 'class = rare and annotator = ann_a' });
    expect(e.exact_count).toBeUndefined();
    expect(existsSync(out)).toBe(false);
  });
});

describe('branches and gc', () => {
  it('an apply on a branch keeps its trees indexed; after gc of the branch main still answers', async () => {
    await repo.ok(['branch', 'create', 'feature', '--from', 'main']);
    const rare = records.filter((r) => r['category'] === 'rare');
    const edits = [
      // three common labels become rare, two rare ones go, one rare one is re-reviewed, two new
      ...[0, 1, 2].map((i) => ({ op: 'put', ...records[i]!, category: 'rare' })),
      { op: 'delete', image: rare[0]!.image, label: rare[0]!.label },
      { op: 'delete', image: rare[1]!.image, label: rare[1]!.label },
      { op: 'put', ...rare[2]!, review: { status: 'escalated', reviewer: 'rev_9' } },
      { op: 'put', ...labelAt(1000), category: 'rare' },
      { op: 'put', ...labelAt(1001), category: 'rare', annotator: 7 },
    ];
    const w = await repo.apply(
      writeJsonLines(join(tmp.dir('edits'), 'e1.jsonl'), edits),
      'feature',
    );
    expect(w.labels).toEqual({ added: 2, removed: 2, modified: 3 });

    const main = await indexShow('main');
    const feature = await indexShow('feature');
    expect(feature.commit).toBe(w.commit);
    const [labels, reviews, splits] = feature.trees;
    expect(labels!.source).not.toBe(main.trees[0]!.source);
    expect(labels).toMatchObject({ tree: 'labels', entries: 2 * (LABELS - 2 + 2) });
    // The commit's index edits went to the deltas over main's base, not into a rewritten base.
    expect(labels!.index).toBe(main.trees[0]!.index);
    expect(labels!.delta_entries).toBeGreaterThan(0);
    expect(main.trees[0]!.delta_entries).toBe(0);
    // The re-review dropped a reviewed_at: one fewer review entry, plus three per new label.
    expect(reviews).toMatchObject({ tree: 'reviews', entries: 3 * LABELS - 6 + 6 - 1 });
    expect(splits).toEqual(main.trees[2]);

    const featureRare = rareCount + 3 - 2 + 2;
    expect(await explain(['count', 'feature', '--where', 'class = rare'])).toMatchObject({
      access: 'index',
      exact_count: featureRare,
    });
    expect(await countOf('feature', 'class = rare')).toBe(featureRare);
    expect(await countOf('feature', 'changed_since(main)')).toBe(5);
    expect(await countOf('feature', 'annotator = 7')).toBe(1);

    await repo.ok(['branch', 'delete', 'feature']);
    expectOk(await repo.run(['gc']));
    await repo.verify();
    expect(await indexShow('main')).toEqual(main);
    expect(await explain(['count', 'main', '--where', 'class = rare'])).toMatchObject({
      access: 'index',
      exact_count: rareCount,
    });
    expect(await countOf('main', 'class = rare')).toBe(rareCount);
    const printed = parseJsonLines<LabelRecord>(
      await repo.ok(['cat', 'main', '--where', 'class = rare']),
    );
    expect(printed.map((r) => r.label)).toEqual(rare.map((r) => r.label));

    // The same edits again give the same trees as the collected branch had: indexed and sound.
    await repo.ok(['branch', 'create', 'again', '--from', 'main']);
    const again = await repo.apply(join(tmp.dir('edits'), 'e1.jsonl'), 'again');
    expect((await indexShow('again')).trees).toEqual(feature.trees);
    expect(await countOf('again', 'class = rare')).toBe(featureRare);
    expect(await countOf('again', 'review.status = escalated')).toBe(8 + 1);
    expect(again.commit).not.toBe(w.commit);
    await repo.verify();
  });
});
