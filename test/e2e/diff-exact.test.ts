/**
 * `verso diff` is exact: after applying a generated 500-op edit batch on a branch, the diff
 * against main lists precisely the keys the batch adds, deletes and modifies, per tree. The
 * expectation is computed here from labels.jsonl and the edit file alone, op by op, for the
 * project's generator and (when ../shared is present) the shared one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  compareKeys,
  generateProjectData,
  generateSharedData,
  initRepo,
  keyOf,
  parseJsonLines,
  readJsonLines,
  useTempRoot,
  type ChangeCountsJson,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('diff');

type Change = 'added' | 'removed' | 'modified';
type TreeChanges = Record<Change, string[]>;
interface DiffLine {
  readonly tree: string;
  readonly key: { readonly image: string; readonly label?: string };
  readonly change: Change;
}

const noChanges = (): TreeChanges => ({ added: [], removed: [], modified: [] });
const contentOf = (r: LabelRecord): string => {
  const { op: _op, image: _image, label: _label, review: _review, ...content } = r;
  return canonicalJson(content);
};
const reviewOf = (r: LabelRecord | undefined): string | null =>
  r?.review == null ? null : canonicalJson(r.review);

/**
 * What the batch must change, op by op: an add is a put of a key the labels file lacks, a delete
 * removes label and review, a put on an existing key modifies the label if its content differs
 * and the review if one is given and differs. The generators touch each key once per batch.
 */
function expectedChanges(originals: readonly LabelRecord[], ops: readonly LabelRecord[]) {
  const byKey = new Map(originals.map((r) => [keyOf(r), r]));
  const labels = noChanges();
  const reviews = noChanges();
  const kinds = { add: 0, delete: 0, modify: 0, reviewOnly: 0, modifyWithReview: 0 };
  for (const op of ops) {
    const k = keyOf(op);
    const old = byKey.get(k);
    if (op.op === 'delete') {
      expect(old, `delete of ${k} names an existing label`).toBeDefined();
      kinds.delete++;
      labels.removed.push(k);
      if (reviewOf(old) !== null) reviews.removed.push(k);
      continue;
    }
    const review = op.review === undefined ? reviewOf(old) : reviewOf(op);
    if (!old) {
      kinds.add++;
      labels.added.push(k);
      if (review !== null) reviews.added.push(k);
      continue;
    }
    const contentChanged = contentOf(op) !== contentOf(old);
    const oldReview = reviewOf(old);
    if (contentChanged) {
      kinds.modify++;
      labels.modified.push(k);
    }
    if (review !== oldReview) {
      if (contentChanged) kinds.modifyWithReview++;
      else kinds.reviewOnly++;
      (oldReview === null
        ? reviews.added
        : review === null
          ? reviews.removed
          : reviews.modified
      ).push(k);
    }
  }
  return { labels, reviews, kinds };
}

function groupDiff(lines: readonly DiffLine[]): Record<string, TreeChanges> {
  const out: Record<string, TreeChanges> = {};
  for (const l of lines) (out[l.tree] ??= noChanges())[l.change].push(keyOf(l.key));
  return out;
}

const sortedKeys = (keys: readonly string[]): string[] => [...keys].sort();
const sortTree = (t: TreeChanges): TreeChanges => ({
  added: sortedKeys(t.added),
  removed: sortedKeys(t.removed),
  modified: sortedKeys(t.modified),
});
const countsOf = (t: TreeChanges): ChangeCountsJson => ({
  added: t.added.length,
  removed: t.removed.length,
  modified: t.modified.length,
});
const ZERO: ChangeCountsJson = { added: 0, removed: 0, modified: 0 };

interface Dataset {
  readonly labelsFile: string;
  readonly editsFile: string;
}

function defineDiffSuite(name: string, make: (dir: string) => Promise<Dataset>): void {
  describe(`diff after an edits-500 batch (${name} generator)`, () => {
    let repo: TestRepo;
    let expected: ReturnType<typeof expectedChanges>;
    let applied: { labels: ChangeCountsJson; reviews: ChangeCountsJson };
    let diff: DiffLine[];

    beforeAll(async () => {
      const ds = await make(tmp.dir(`data-${name}`));
      const ops = readJsonLines(ds.editsFile);
      expect(ops).toHaveLength(500);
      expect(new Set(ops.map(keyOf)).size, 'the batch touches each label once').toBe(500);
      expected = expectedChanges(readJsonLines(ds.labelsFile), ops);

      repo = await initRepo(tmp.root(), `repo-${name}`);
      await repo.importLabels(ds.labelsFile);
      await repo.ok(['branch', 'create', 'edit', '--from', 'main']);
      applied = await repo.apply(ds.editsFile, 'edit');
      diff = parseJsonLines<DiffLine>(await repo.ok(['diff', 'main', 'edit', '--json']));
    });

    it('the batch mixes adds, deletes, modifies and review-only changes', () => {
      const k = expected.kinds;
      expect(k.add).toBeGreaterThan(0);
      expect(k.delete).toBeGreaterThan(0);
      expect(k.modify).toBeGreaterThan(0);
      expect(k.reviewOnly).toBeGreaterThan(0);
      expect(k.add + k.delete + k.modify + k.reviewOnly, 'every op changes something').toBe(500);
    });

    it('labels: added = new keys, removed = deleted keys, modified = keys of modify ops', () => {
      const got = groupDiff(diff);
      expect(sortTree(got['labels'] ?? noChanges())).toEqual(sortTree(expected.labels));
    });

    it('reviews: exactly the review-only ops, deletes and adds (and modifies whose review changed)', () => {
      const got = groupDiff(diff);
      expect(sortTree(got['reviews'] ?? noChanges())).toEqual(sortTree(expected.reviews));
      expect(Object.keys(got).sort()).toEqual(['labels', 'reviews']);
    });

    it('changes come tree by tree, each in key order', () => {
      const trees = diff.map((l) => l.tree);
      expect(trees.lastIndexOf('labels')).toBeLessThan(trees.indexOf('reviews'));
      for (let i = 1; i < diff.length; i++) {
        const [a, b] = [diff[i - 1]!, diff[i]!];
        if (a.tree === b.tree)
          expect(compareKeys(a.key, b.key), `${keyOf(a.key)} before ${keyOf(b.key)}`).toBeLessThan(
            0,
          );
      }
    });

    it('diff --stat --json and the apply summary count the same changes', async () => {
      const { classes, ...stat } = (await repo.json<Record<string, ChangeCountsJson>>([
        'diff',
        'main',
        'edit',
        '--stat',
      ])) as Record<string, ChangeCountsJson> & { classes: Record<string, ChangeCountsJson> };
      // Per class, a class change is a removal from one class and an addition to another, so
      // the net change over all classes is the labels tree's.
      const perClass = Object.values(classes);
      const sum = (k: keyof ChangeCountsJson) => perClass.reduce((n, c) => n + c[k], 0);
      expect(sum('added') - sum('removed')).toBe(
        expected.labels.added.length - expected.labels.removed.length,
      );
      expect(sum('modified')).toBeLessThanOrEqual(expected.labels.modified.length);
      const want = {
        labels: countsOf(expected.labels),
        reviews: countsOf(expected.reviews),
        assets: ZERO,
        splits: ZERO,
      };
      expect(stat).toEqual(want);
      expect(applied.labels).toEqual(want.labels);
      expect(applied.reviews).toEqual(want.reviews);
    });

    it('the reverse diff swaps added and removed; a ref against itself is empty', async () => {
      const back = groupDiff(
        parseJsonLines<DiffLine>(await repo.ok(['diff', 'edit', 'main', '--json'])),
      );
      for (const tree of ['labels', 'reviews'] as const) {
        const e = expected[tree];
        expect(sortTree(back[tree] ?? noChanges())).toEqual(
          sortTree({ added: e.removed, removed: e.added, modified: e.modified }),
        );
      }
      expect(await repo.ok(['diff', 'edit', 'edit', '--json'])).toBe('');
    });
  });
}

defineDiffSuite('project', async (dir) => {
  const ds = await generateProjectData(dir, 4000, 31, [500]);
  return { labelsFile: ds.labelsFile, editsFile: ds.editFiles[0]!.file };
});

defineDiffSuite('shared', async (dir) => {
  const ds = await generateSharedData(dir, 1200, 5, [500]);
  return { labelsFile: ds.labelsFile, editsFile: ds.editFile(500) };
});
