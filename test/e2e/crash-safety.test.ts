/**
 * Crash safety: `import` and `apply` killed with SIGKILL at several moments leave the branch at
 * its previous commit (or, if the kill came after the branch moved, at the complete new commit),
 * the repository verifies clean, and rerunning the same command gives the snapshot a fresh
 * repository gets. The kill moments are fractions of a measured uninterrupted run on the same
 * data, so they land mid-operation on fast and slow machines alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  generateProjectData,
  initRepo,
  useTempRoot,
  waitFor,
  type RunResult,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('crash');
const LABELS = 200_000;
const EDITS = 20_000;
const IMPORT_KILL_AT = [0.1, 0.4, 0.75];
const APPLY_KILL_AT = [0.15, 0.45, 0.75];
const SLOW = 180_000;

let labelsFile: string;
let editsFile: string;
/** An uninterrupted import and apply in a fresh repository: results and wall times. */
const reference = { importSnapshot: '', applySnapshot: '', importMs: 0, applyMs: 0 };

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), LABELS, 77, [EDITS]);
  labelsFile = ds.labelsFile;
  editsFile = ds.editFiles[0]!.file;
  const fresh = await initRepo(tmp.root(), 'reference');
  let t = Date.now();
  reference.importSnapshot = (await fresh.importLabels(labelsFile)).snapshot;
  reference.importMs = Date.now() - t;
  t = Date.now();
  reference.applySnapshot = (await fresh.apply(editsFile, 'main')).snapshot;
  reference.applyMs = Date.now() - t;
}, SLOW);

interface KillOutcome {
  readonly pid: number;
  /** The process died of the SIGKILL (false: it had finished before the kill). */
  readonly killed: boolean;
  /** The import's scratch folder existed, i.e. the kill came after the import had started. */
  readonly started: boolean;
  readonly result: RunResult;
}

/**
 * Starts `verso ARGS`, waits until it has started working (its `.verso/tmp/<pid>-*` scratch
 * folder exists, when `waitForScratch`) and then `delayMs` more, and kills it with SIGKILL.
 */
async function killDuring(
  repo: TestRepo,
  args: readonly string[],
  delayMs: number,
  waitForScratch: boolean,
): Promise<KillOutcome> {
  const run = repo.spawn(args);
  const started = waitForScratch
    ? (await waitFor(
        () => run.exited() || repo.scratchDirs().some((d) => d.startsWith(`${run.pid}-`)),
        60_000,
      )) && !run.exited()
    : true;
  await waitFor(run.exited, delayMs, 5);
  if (!run.exited()) run.child.kill('SIGKILL');
  const result = await run.done;
  return { pid: run.pid, killed: result.signal === 'SIGKILL', started, result };
}

/**
 * After a kill: the branch is at `before`, or (if the kill came after it moved) at a complete
 * commit on top of it with the expected snapshot; `verify` is clean; the dead process's scratch
 * folder is gone. Returns whether the branch moved.
 */
async function expectIntact(
  repo: TestRepo,
  before: string,
  outcome: KillOutcome,
  want: string,
  branch = 'main',
): Promise<boolean> {
  if (!outcome.killed)
    expect(
      outcome.result.code,
      `finished before the kill but failed:\n${outcome.result.stderr}`,
    ).toBe(0);
  const head = await repo.show(branch);
  const moved = head.commit !== before;
  if (moved) {
    expect(head.parents).toEqual([before]);
    expect(head.snapshot).toBe(want);
  }
  if (!outcome.killed) expect(moved, 'an operation that finished moved the branch').toBe(true);
  await repo.verify();
  expect(
    repo.scratchDirs().filter((d) => d.startsWith(`${outcome.pid}-`)),
    'scratch folder of the dead process',
  ).toEqual([]);
  return moved;
}

describe('SIGKILL during a write', () => {
  let repo: TestRepo;

  beforeAll(async () => {
    repo = await initRepo(tmp.root(), 'crashing');
    expect(reference.importMs).toBeGreaterThan(0);
  });

  it(
    'import: killed at 3 moments, the branch stays put; a rerun gives the fresh-repo snapshot',
    async () => {
      const before = await repo.head();
      let killedBeforeCommit = 0;
      for (const frac of IMPORT_KILL_AT) {
        const outcome = await killDuring(
          repo,
          ['import', 'labels', labelsFile],
          frac * reference.importMs,
          true,
        );
        expect(
          outcome.started || !outcome.killed,
          `import never started:\n${outcome.result.stderr}`,
        ).toBe(true);
        const moved = await expectIntact(repo, before, outcome, reference.importSnapshot);
        if (outcome.killed && !moved) killedBeforeCommit++;
        if (moved) break; // too late to interrupt: nothing left to test with this repository
      }
      expect(killedBeforeCommit, 'kills that landed mid-import').toBeGreaterThanOrEqual(2);

      const head = await repo.head();
      const rerun = await repo.importLabels(labelsFile);
      expect(rerun.snapshot).toBe(reference.importSnapshot);
      const show = await repo.show('main');
      expect(show.parents).toEqual([head]);
      expect(show.counts.labels).toBe(LABELS);
      await repo.verify();
    },
    SLOW,
  );

  it(
    'apply: killed at 3 moments, the branch stays put; a rerun gives the fresh-repo snapshot',
    async () => {
      const before = await repo.head();
      expect((await repo.show('main')).snapshot).toBe(reference.importSnapshot);
      let killedBeforeCommit = 0;
      // Each attempt writes to its own branch from `before`; a kill that came too late (the
      // apply had finished: its commit must then be complete) is retried sooner, so the test
      // does not depend on the reference timing matching this run's.
      let delays = APPLY_KILL_AT.map((f) => f * reference.applyMs);
      for (let attempt = 0; attempt < 9 && killedBeforeCommit < APPLY_KILL_AT.length; attempt++) {
        const branch = `crash-${attempt}`;
        await repo.ok(['branch', 'create', branch, '--from', before]);
        const delay = delays[attempt % delays.length]!;
        const outcome = await killDuring(
          repo,
          ['apply', editsFile, '--branch', branch],
          delay,
          false,
        );
        const late = await expectIntact(repo, before, outcome, reference.applySnapshot, branch);
        if (outcome.killed && !late) killedBeforeCommit++;
        else delays = delays.map((d) => d / 2);
      }
      expect(killedBeforeCommit, 'kills that landed mid-apply').toBeGreaterThanOrEqual(2);

      expect((await repo.apply(editsFile, 'main')).snapshot).toBe(reference.applySnapshot);
      const show = await repo.show('main');
      expect(show.snapshot).toBe(reference.applySnapshot);
      expect(show.parents).toEqual([before]);
      await repo.verify();
    },
    SLOW,
  );

  it(
    'gc afterwards reclaims the dead writers’ leases, keeps everything reachable',
    async () => {
      const show = await repo.show('main');
      const gc = await repo.json<{ reachable: number; deleted: number }>(['gc']);
      expect(gc.reachable).toBeGreaterThan(0);
      expect(await repo.show('main')).toEqual(show);
      await repo.verify();
      // both trees of main and of its parent are still whole: the diff between them reproduces
      // the counts the apply recorded in its commit
      const stat = await repo.json<Record<string, unknown>>(['diff', 'main~1', 'main', '--stat']);
      expect(stat['labels']).toEqual(show.operations['labels']);
      expect(stat['reviews']).toEqual(show.operations['reviews']);
    },
    SLOW,
  );
});
