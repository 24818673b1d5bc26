/**
 * Concurrent writers and gc, as separate processes: two `apply`s racing on one branch either
 * both land (one on top of the other) or the loser exits 1 with the "branch moved" message and
 * changes nothing; the branch then holds exactly the winners' edits in commit order. `gc` while a
 * writer holds its lease refuses with a clear message and never deletes a reachable chunk.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyToModel,
  expectOk,
  generateProjectData,
  initRepo,
  modelOf,
  readJsonLines,
  seededRandom,
  shuffled,
  sleep,
  useTempRoot,
  waitFor,
  writeJsonLines,
  type ShowJson,
  type LabelRecord,
  type RunResult,
  type StoredLabel,
  type TestRepo,
  runInChildProcesses,
} from './helpers.js';

const tmp = useTempRoot('concurrency');
// Races between processes: every command runs in its own process.
runInChildProcesses();
const LABELS = 8000;
const ROUNDS = 5;
/** Big enough that gc gets several tries while the import runs. */
const BULK_LABELS = 20_000;
const RACE_MESSAGE = 'moved while this operation ran';
/** How long B starts after A in each round: mostly together; later rounds let A get ahead. */
const STAGGER_MS = [0, 0, 0, 150, 400];

let repo: TestRepo;
let originals: LabelRecord[];
let raceLosses = 0;

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), LABELS, 91);
  originals = readJsonLines(ds.labelsFile);
  repo = await initRepo(tmp.root());
  await repo.importLabels(ds.labelsFile);
  await repo.ok(['branch', 'create', 'work']);
});

/** Sorted `[key, label]` pairs: a model in a form `toEqual` compares quickly and readably. */
const entries = (m: Map<string, StoredLabel>): [string, StoredLabel][] =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

interface Batch {
  readonly file: string;
  readonly ops: LabelRecord[];
}

/**
 * Two batches for one round. They overlap on `shared` (so their order matters), each also puts
 * labels of its own (A with a new review, B keeping the stored one), deletes labels of its own
 * and adds new ones. Rounds use disjoint labels, so every batch is valid on any head.
 */
function roundBatches(round: number, pool: readonly LabelRecord[]): { a: Batch; b: Batch } {
  const take = (() => {
    let at = 0;
    return (n: number) => pool.slice(at, (at += n));
  })();
  const shared = take(300);
  const side = (name: 'A' | 'B'): Batch => {
    const own = take(400);
    const gone = take(20);
    const tag = `r${round}-${name}`;
    const ops: LabelRecord[] = [
      ...shared.map((r) => ({
        ...r,
        op: 'put' as const,
        category: `shared-${tag}`,
        review: name === 'A' ? { status: 'approved', reviewer: tag } : null,
      })),
      ...own.map((r) => ({
        ...r,
        op: 'put' as const,
        category: tag,
        ...(name === 'A' ? { review: { status: 'rejected', reviewer: tag } } : {}),
      })),
      ...gone.map((r) => ({ op: 'delete' as const, image: r.image, label: r.label })),
      ...Array.from({ length: 20 }, (_, i) => ({
        op: 'put' as const,
        image: `${tag}-new`,
        label: String(i),
        category: tag,
        bbox: [i, i, 10, 10],
      })),
    ];
    const ordered = shuffled(ops, seededRandom(round * 2 + (name === 'A' ? 0 : 1)));
    return {
      file: writeJsonLines(join(tmp.dir('batches'), `${tag}.jsonl`), ordered),
      ops: ordered,
    };
  };
  return { a: side('A'), b: side('B') };
}

describe('two applies racing on one branch', () => {
  it(`${ROUNDS} rounds: winners are on the branch in order, losers changed nothing`, async () => {
    let model = modelOf(originals);
    const pool = shuffled(originals, seededRandom(1));
    const perRound = 300 + 2 * 420;
    expect(pool.length).toBeGreaterThanOrEqual(ROUNDS * perRound);

    let before = await repo.log('work');
    for (let round = 0; round < ROUNDS; round++) {
      const { a, b } = roundBatches(round, pool.slice(round * perRound, (round + 1) * perRound));
      const runA = repo.spawn(['apply', a.file, '--branch', 'work', '--json']).done;
      await sleep(STAGGER_MS[round] ?? 0);
      const runB = repo.spawn(['apply', b.file, '--branch', 'work', '--json']).done;
      const [ra, rb] = await Promise.all([runA, runB]);
      const outcomes = [
        { batch: a, run: ra! },
        { batch: b, run: rb! },
      ];

      const winners: { batch: Batch; commit: string }[] = [];
      for (const { batch, run } of outcomes) {
        if (run.code === 0) {
          winners.push({ batch, commit: (JSON.parse(run.stdout) as { commit: string }).commit });
        } else {
          expect(run.code, `round ${round}: a losing apply exits 1:\n${run.stderr}`).toBe(1);
          expect(run.stderr).toContain(RACE_MESSAGE);
          expect(run.stderr).toContain("branch 'work'");
          raceLosses++;
        }
      }
      expect(winners.length, `round ${round}: somebody wins`).toBeGreaterThanOrEqual(1);

      // the branch gained exactly the winners' commits, in a line, newest first
      const after = await repo.log('work');
      const added = after.slice(0, after.length - before.length);
      expect(after.slice(added.length)).toEqual(before);
      expect(new Set(added.map((c) => c.id))).toEqual(new Set(winners.map((w) => w.commit)));
      for (let i = 0; i < added.length; i++)
        expect(added[i]!.parents).toEqual([(added[i + 1] ?? before[0]!).id]);

      // the content is the winners' batches applied in commit order (oldest first)
      const inOrder = [...added]
        .reverse()
        .map((c) => winners.find((w) => w.commit === c.id)!.batch);
      for (const batch of inOrder) model = applyToModel(model, batch.ops);
      expect(entries(modelOf(await repo.cat('work'))), `round ${round}`).toEqual(entries(model));
      before = after;
    }
    await repo.verify();
    expect((await repo.show('main')).counts.labels, 'main was never touched').toBe(LABELS);
  });
});

describe('gc while a writer holds its lease', () => {
  it('refuses with a clear message, and deletes nothing reachable', async () => {
    const big = await generateProjectData(tmp.dir('big'), BULK_LABELS, 92);
    await repo.ok(['branch', 'create', 'bulk', '--from', 'main~1']);
    const refsBefore = (await repo.refs('branch')).filter((b) => b.name !== 'bulk');
    const showsBefore: ShowJson[] = await Promise.all(refsBefore.map((b) => repo.show(b.name)));

    const writer = repo.spawn(['import', 'labels', big.labelsFile, '--branch', 'bulk', '--json']);
    // the import makes its scratch folder after taking the writer lease
    const leased = await waitFor(
      () => writer.exited() || repo.scratchDirs().some((d) => d.startsWith(`${writer.pid}-`)),
      30_000,
    );
    expect(leased && !writer.exited(), 'the writer was still running with its lease').toBe(true);

    const gcRuns: RunResult[] = [];
    while (!writer.exited()) {
      gcRuns.push(await repo.run(['gc', '--json']));
      await sleep(20);
    }
    const written = await writer.done;
    expect(written.code, written.stderr).toBe(0);

    const refused = gcRuns.filter((r) => r.code !== 0);
    expect(
      refused.length,
      'gc attempts refused while the writer held its lease',
    ).toBeGreaterThanOrEqual(1);
    expect(gcRuns[0]!.code, 'the first gc ran while the lease was certainly held').toBe(1);
    for (const r of refused) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `repository is busy, garbage collection must wait: held by writer \\(pid ${writer.pid}\\b`,
        ),
      );
    }

    // the writer's commit landed whole
    const bulk = await repo.show('bulk');
    expect(bulk.commit).toBe((JSON.parse(written.stdout) as { commit: string }).commit);
    expect(bulk.counts.labels).toBe(BULK_LABELS);
    await repo.verify();

    // with the writer gone gc runs, collects the race losers' garbage, and keeps every ref whole
    // (a gc of the loop may already have run, between the writer's lease release and its exit)
    const deleted = [...gcRuns.filter((r) => r.code === 0), await repo.run(['gc', '--json'])]
      .map((r) => (JSON.parse(expectOk(r).stdout) as { deleted: number }).deleted)
      .reduce((x, y) => x + y, 0);
    if (raceLosses > 0)
      expect(deleted, 'the losers of the races left unreachable chunks').toBeGreaterThan(0);
    expect(await Promise.all(refsBefore.map((b) => repo.show(b.name)))).toEqual(showsBefore);
    expect(await repo.show('bulk')).toEqual(bulk);
    await repo.verify();
  });
});
