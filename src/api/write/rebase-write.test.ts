/**
 * Concurrent writers on one branch, in the library (issue 13): an apply whose head another
 * writer moved while it was built is rebased exactly when none of the labels it touches changed
 * there, and then equals the batch applied on the new head; otherwise `WriteConflictError` names
 * the changed keys and the current head, and nothing is written. Strict mode (`expectedHead`)
 * never rebases. Writes to one branch in one process queue, so concurrent applies of the same
 * key all land, in order. A batch given as lines names its source and line in errors.
 *
 * "Another writer" is simulated where a second process would strike: the batch's lines are an
 * async source that commits first (through `commitToBranch`, as a process that does not share
 * this one's queue would), after the apply has read the head.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../core/canonical.js';
import { hashToHex } from '../../core/hash.js';
import { FormatParseError } from '../../core/errors.js';
import { RefUpdateRaceError } from '../../catalog/catalog-errors.js';
import { decodeLabelKey, encodeImageKey, encodeLabelKey } from '../../dataset/label-key.js';
import { mutateTreeCounting } from '../../tree/mutate.js';
import { parseLabelLine } from '../../dataset/label-line.js';
import { scan } from '../../tree/read.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { getCommit } from '../../vcs/commit.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import { createBranch } from '../repository/refs.js';
import type { Repository } from '../repository/repository.js';
import { applyEdits } from './apply-edits.js';
import { branchHead } from './branch-head.js';
import { inBranchQueue, queuedBranches } from './branch-queue.js';
import { commitToBranch } from './commit-to-branch.js';
import { buildEditBatch, snapshotWithBatch } from './edit-batch.js';
import { MAX_REBASES, writeToBranch } from './write-to-branch.js';
import { WriteConflictError } from './write-errors.js';
import { findWriteConflicts } from './write-conflicts.js';

let dir: string;
let repo: Repository;
let branches = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-rebase-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'), { identity: { author: 'ada' } });
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

type Op =
  | { op: 'put'; image: string; label: string; category: string }
  | { op: 'patch'; image: string; label: string; category: string }
  | { op: 'delete'; image: string; label: string };
type Model = Map<string, string>; // "image/label" -> category

const keyOf = (o: { image: string; label: string }) => `${o.image}/${o.label}`;
const line = (o: Op) => JSON.stringify(o);

async function freshBranch(): Promise<string> {
  const name = `b${branches++}`;
  await createBranch(repo, name);
  return name;
}

/** Commits `ops` on `branch` as another process would: no queue, no lease, no rebase. */
async function commitOther(branch: string, ops: readonly Op[]): Promise<string> {
  const base = await branchHead(repo, branch);
  const parsed = ops.map((o, i) => parseLabelLine(line(o), 'other', i + 1, true));
  const batch = await buildEditBatch(repo, base, toAsync(parsed), 'other', undefined);
  const r = await commitToBranch(repo, {
    branch,
    expectedHead: base.head,
    snapshot: snapshotWithBatch(base, batch),
    message: 'other writer',
    operations: { op: 'apply' },
  });
  return r.commit;
}

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** The batch's lines, after `before` has run (once the apply has read the head). */
async function* linesAfter(before: () => Promise<unknown>, ops: readonly Op[]) {
  await before();
  for (const o of ops) yield line(o);
}

async function labelsAt(branch: string): Promise<Model> {
  const { snapshot } = await branchHead(repo, branch);
  const out: Model = new Map();
  for await (const [k, v] of scan(repo.nodes, treeRoot(snapshot, 'labels'))) {
    const { image, label } = decodeLabelKey(k);
    out.set(`${image}/${label}`, (decodeValue(v) as { category: string }).category);
  }
  return out;
}

function applyModel(model: Model, ops: readonly Op[]): Model {
  const out = new Map(model);
  for (const o of ops)
    if (o.op === 'delete') out.delete(keyOf(o));
    else out.set(keyOf(o), o.category);
  return out;
}

const IMAGES = ['a', 'b', 'c'];
const LABELS = ['1', '2'];
const KEYS = IMAGES.flatMap((image) => LABELS.map((label) => ({ image, label })));

/** Ops made valid in order on `model`: a patch or delete of an absent label becomes a put. */
function validOps(model: Model, raw: readonly { k: number; kind: Op['op'] }[], tag: string): Op[] {
  const m = new Map(model);
  return raw.map(({ k, kind }, i) => {
    const { image, label } = KEYS[k]!;
    const exists = m.has(`${image}/${label}`);
    const op: Op =
      kind === 'delete' && exists
        ? { op: 'delete', image, label }
        : {
            op: kind === 'patch' && exists ? 'patch' : 'put',
            image,
            label,
            category: `${tag}${i}`,
          };
    if (op.op === 'delete') m.delete(keyOf(op));
    else m.set(keyOf(op), op.category);
    return op;
  });
}

const rawOps = fc.array(
  fc.record({
    k: fc.integer({ min: 0, max: KEYS.length - 1 }),
    kind: fc.constantFrom('put' as const, 'patch' as const, 'delete' as const),
  }),
  { minLength: 1, maxLength: 6 },
);

describe('rebasing a batch onto a head another writer moved', () => {
  it('rebases iff its keys and the keys the other writer changed are disjoint; the result is the batch on the new head', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(KEYS.map((_, i) => i)),
        fc.subarray(
          KEYS.map((_, i) => i),
          { minLength: 1 },
        ),
        rawOps,
        async (initialKeys, otherKeys, rawBatch) => {
          const branch = await freshBranch();
          const initial = initialKeys.map((k): Op => ({ op: 'put', ...KEYS[k]!, category: 'cat' }));
          if (initial.length) await commitOther(branch, initial);
          const base = applyModel(new Map(), initial);
          // every op of the other writer changes its label: a new category, or a delete
          const other = otherKeys.map((k, i): Op => {
            const { image, label } = KEYS[k]!;
            return base.has(`${image}/${label}`) && i % 2 === 0
              ? { op: 'delete', image, label }
              : { op: 'put', image, label, category: `other${i}` };
          });
          const batch = validOps(base, rawBatch, 'batch');
          let otherHead = '';
          const run = applyEdits(repo, {
            lines: linesAfter(async () => (otherHead = await commitOther(branch, other)), batch),
            source: 'request body',
            branch,
          });
          const changed = new Set(other.map(keyOf));
          const clashing = [...new Set(batch.map(keyOf))].filter((k) => changed.has(k));
          const afterOther = applyModel(base, other);
          if (clashing.length === 0) {
            const r = await run;
            expect(r.rebases).toBe(1);
            expect((await getCommit(repo.chunks, r.commit)).parents).toEqual([otherHead]);
            expect(await labelsAt(branch)).toEqual(applyModel(afterOther, batch));
          } else {
            const e = await run.then(
              () => undefined,
              (x: unknown) => x,
            );
            expect(e).toBeInstanceOf(WriteConflictError);
            const data = (e as WriteConflictError).data;
            expect(data['head']).toBe(otherHead);
            const named = (data['conflicts'] as { tree: string; image: string; label: string }[])
              .filter((c) => c.tree === 'labels')
              .map(keyOf);
            expect(named.sort()).toEqual(clashing.sort());
            expect((await branchHead(repo, branch)).head).toBe(otherHead);
            expect(await labelsAt(branch)).toEqual(afterOther);
          }
        },
      ),
      { numRuns: 50, seed: 13 },
    );
  });

  it('a conflict names tree, image and label, the head it was built on and the current head', async () => {
    const branch = await freshBranch();
    await commitOther(branch, [{ op: 'put', image: 'x', label: '1', category: 'cat' }]);
    const base = (await branchHead(repo, branch)).head;
    let head = '';
    const e = await applyEdits(repo, {
      lines: linesAfter(
        async () =>
          (head = await commitOther(branch, [
            { op: 'put', image: 'x', label: '1', category: 'dog' },
          ])),
        [{ op: 'patch', image: 'x', label: '1', category: 'bird' }],
      ),
      source: 'request body',
      branch,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WriteConflictError);
    expect(e).toMatchObject({
      code: 'WRITE_CONFLICT',
      category: 'Conflict',
      data: { branch, base, head, conflicts: [{ tree: 'labels', image: 'x', label: '1' }] },
    });
    expect((e as Error).message).toContain("labels of (image 'x', label '1')");
    expect(await labelsAt(branch)).toEqual(new Map([['x/1', 'dog']]));
  });

  it('a schema change under a label write is a conflict; under a review-only patch it is not', async () => {
    const branch = await freshBranch();
    await commitOther(branch, [{ op: 'put', image: 'x', label: '1', category: 'cat' }]);
    const setSchema = async () => {
      const h = await branchHead(repo, branch);
      return commitToBranch(repo, {
        branch,
        expectedHead: h.head,
        snapshot: { ...h.snapshot, schema: null, categories: hashToHex(new Uint8Array(32)) },
        message: 'category list',
        operations: { op: 'test' },
      });
    };
    const put = { op: 'put', image: 'y', label: '1', category: 'dog' } as const;
    const e = await applyEdits(repo, {
      lines: linesAfter(setSchema, [put]),
      source: 'body',
      branch,
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'WRITE_CONFLICT',
      data: { conflicts: [{ tree: 'categories' }] },
    });
    const reviewOnly = JSON.stringify({
      op: 'patch',
      image: 'x',
      label: '1',
      review: { status: 'ok' },
    });
    const r = await applyEdits(repo, {
      lines: (async function* () {
        await commitToBranch(repo, {
          branch,
          expectedHead: (await branchHead(repo, branch)).head,
          snapshot: { ...(await branchHead(repo, branch)).snapshot, categories: null },
          message: 'no category list',
          operations: { op: 'test' },
        });
        yield reviewOnly;
      })(),
      source: 'body',
      branch,
    });
    expect(r).toMatchObject({ committed: true, rebases: 1, reviews: { added: 1 } });
  });

  it('gives up after MAX_REBASES rebases with the race error, having written nothing', async () => {
    const branch = await freshBranch();
    let builds = 0;
    const e = await writeToBranch(repo, branch, async (base) => {
      builds++;
      await commitOther(branch, [{ op: 'put', image: 'z', label: String(builds), category: 'c' }]);
      return {
        snapshot: { ...base.snapshot, schema: 'mine' },
        message: 'mine',
        operations: { op: 'test' },
        touched: { trees: { labels: [encodeLabelKey('w', '1')] }, schemaDependent: false },
        report: {},
      };
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RefUpdateRaceError);
    expect(builds).toBe(MAX_REBASES + 1);
    expect((await branchHead(repo, branch)).snapshot.schema).toBeNull();
  });
});

describe('findWriteConflicts', () => {
  it('names image keys (splits, assets) by image, and ignores keys whose value came back', async () => {
    const branch = await freshBranch();
    const setSplit = async (image: string, split: string | null) => {
      const h = await branchHead(repo, branch);
      const m = await mutateTreeCounting(repo.nodes, treeRoot(h.snapshot, 'splits'), [
        { key: encodeImageKey(image), value: split === null ? null : encodeValue(split) },
      ]);
      const snapshot = { ...h.snapshot, trees: { ...h.snapshot.trees, splits: hashToHex(m.root) } };
      await commitToBranch(repo, {
        branch,
        expectedHead: h.head,
        snapshot,
        message: 's',
        operations: {},
      });
      return (await branchHead(repo, branch)).snapshot;
    };
    const base = await setSplit('p', 'train');
    await setSplit('q', 'val');
    await setSplit('p', 'val');
    const head = await setSplit('p', 'train'); // back to what base had
    const touched = {
      trees: { splits: ['p', 'q', 'r'].map((i) => encodeImageKey(i)) },
      schemaDependent: true,
    };
    expect(await findWriteConflicts(repo.nodes, base, head, touched)).toEqual([
      { tree: 'splits', image: 'q' },
    ]);
    expect(await findWriteConflicts(repo.nodes, base, base, touched)).toEqual([]);
  });
});

describe('strict mode: expectedHead', () => {
  it('refuses a branch at another commit with the current head, and never rebases', async () => {
    const branch = await freshBranch();
    const old = (await branchHead(repo, branch)).head;
    const current = await commitOther(branch, [
      { op: 'put', image: 'x', label: '1', category: 'a' },
    ]);
    const put = line({ op: 'put', image: 'y', label: '1', category: 'b' });
    const stale = await applyEdits(repo, {
      lines: [put],
      source: 'body',
      branch,
      expectedHead: old,
    }).catch((x: unknown) => x);
    expect(stale).toBeInstanceOf(RefUpdateRaceError);
    expect(stale).toMatchObject({ data: { ref: branch, expected: old, actual: current } });
    expect((await branchHead(repo, branch)).head).toBe(current);

    // moved while the batch was read: refused too, though its key is untouched
    let moved = '';
    const raced = await applyEdits(repo, {
      lines: linesAfter(
        async () => (moved = await commitOther(branch, [{ op: 'delete', image: 'x', label: '1' }])),
        [{ op: 'put', image: 'y', label: '1', category: 'b' }],
      ),
      source: 'body',
      branch,
      expectedHead: current.slice(0, 12),
    }).catch((x: unknown) => x);
    expect(raced).toBeInstanceOf(RefUpdateRaceError);
    expect(raced).toMatchObject({ data: { expected: current, actual: moved } });
    expect(await labelsAt(branch)).toEqual(new Map());

    const ok = await applyEdits(repo, {
      lines: [put],
      source: 'body',
      branch,
      expectedHead: moved,
    });
    expect(ok).toMatchObject({ committed: true, rebases: 0 });
  });
});

describe('writes to one branch in one process queue', () => {
  it('concurrent applies of the same label all land, one on top of the other', async () => {
    const branch = await freshBranch();
    const start = (await branchHead(repo, branch)).head;
    const N = 8;
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        applyEdits(repo, {
          lines: [line({ op: 'put', image: 'same', label: '1', category: `c${i}` })],
          source: `request ${i}`,
          branch,
        }),
      ),
    );
    expect(results.map((r) => r.rebases)).toEqual(Array(N).fill(0));
    // arrival order is commit order: each commit's parent is the one before it
    let parent = start;
    for (const r of results) {
      expect((await getCommit(repo.chunks, r.commit)).parents).toEqual([parent]);
      parent = r.commit;
    }
    expect((await branchHead(repo, branch)).head).toBe(parent);
    expect(await labelsAt(branch)).toEqual(new Map([['same/1', `c${N - 1}`]]));
    expect(queuedBranches()).toBe(0);
  });

  it('runs in arrival order per branch, other branches alongside, and survives a failure', async () => {
    const events: string[] = [];
    const step =
      (name: string, ms: number, fail = false) =>
      async () => {
        events.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const runs = [
      inBranchQueue('/r', 'main', step('a', 20, true)),
      inBranchQueue('/r', 'main', step('b', 1)),
      inBranchQueue('/r', 'dev', step('c', 5)),
      inBranchQueue('/r/', 'main', step('d', 1)),
    ];
    const settled = await Promise.allSettled(runs);
    expect(settled.map((s) => s.status)).toEqual([
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const order = (name: string) => events.indexOf(`start ${name}`);
    expect(events.indexOf('end a')).toBeLessThan(order('b'));
    expect(events.indexOf('end b')).toBeLessThan(order('d'));
    expect(order('c')).toBeLessThan(events.indexOf('end a'));
    expect(queuedBranches()).toBe(0);
  });
});

describe('a batch given as lines', () => {
  it('counts lines like a file (blank lines, CRLF, split elements) and names the source', async () => {
    const branch = await freshBranch();
    const put = line({ op: 'put', image: 'x', label: '1', category: 'a' });
    const e = await applyEdits(repo, {
      lines: [`${put}\r`, '', `${put}\n{"op":"put"`],
      source: 'request body',
      branch,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FormatParseError);
    expect((e as Error).message).toMatch(/^request body:4/);
    expect((await branchHead(repo, branch)).snapshot.trees.labels).toBe(
      (await branchHead(repo, 'main')).snapshot.trees.labels,
    );
    const r = await applyEdits(repo, { lines: [put, ''], source: 'request body', branch });
    expect(r).toMatchObject({ ops: 1, labels: { added: 1 } });
    const c = await getCommit(repo.chunks, r.commit);
    expect(c).toMatchObject({ message: 'Apply request body', author: 'ada' });
    expect(c.operations).toMatchObject({ op: 'apply', source: 'request body' });
  });
});
