/**
 * Crash safety, driven by failpoints (`core/failpoints.ts`): a writer started with
 * `VERSO_FAILPOINT=<name>` SIGKILLs itself at that step of its write, so every crash-relevant
 * moment is hit exactly, on small data, whatever the machine's speed. For each failpoint: the
 * process died of the kill; the branch is at the old commit, or (killed after it moved) at the
 * complete new commit, never in between; `verify` is clean; gc afterwards deletes nothing that
 * is reachable (`verify` again, every ref unchanged); and retrying the same command succeeds
 * with the snapshot an uninterrupted run gives.
 *
 * A few real SIGKILLs at timed moments stay (import and apply killed mid-way, then rerun), for
 * the crashes no failpoint names. Every scenario works on its own copy of a repository built
 * once in `beforeAll`.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { FAILPOINTS, type FailpointName } from '../../src/core/failpoints.js';
import {
  expectOk,
  generateProjectData,
  initRepo,
  readJsonLines,
  useTempRoot,
  waitFor,
  writeJsonLines,
  TestRepo,
  type RunResult,
} from './helpers.js';
import { copyRepo } from './repo-copy.js';

const tmp = useTempRoot('crash');
const LABELS = 1_500;
const EDITS = 150;
/** Data for the timed kills: large enough that a write lasts a few hundred milliseconds. */
const TIMED_LABELS = 10_000;
const TIMED_EDITS = 2_000;

/** Files, template repositories and the snapshots uninterrupted runs give. */
const f = {
  labels: '',
  edits: '',
  /** A repository with only the init commit. */
  empty: '',
  initCommit: '',
  /** Labels imported on main; `feature` = import + edits + a conflicting change; main = import + the other side of it; a deleted branch's chunks are garbage. */
  base: '',
  baseHeads: { main: '', feature: '' },
  /** `base` with `merge feature --into main` pending, its one conflict decided. */
  resolved: '',
  importSnapshot: '',
  applySnapshot: '',
  mergeSnapshot: '',
};

/** A private copy of a template repository (no process has it open). */
const copyOf = (template: string): TestRepo => copyRepo(new TestRepo(template), tmp.root());

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), LABELS, 41, [EDITS]);
  f.labels = ds.labelsFile;
  f.edits = ds.editFiles[0]!.file;
  const first = readJsonLines(f.labels)[0]!;
  const side = (who: string) =>
    writeJsonLines(join(tmp.dir('data'), `${who}.jsonl`), [
      { ...first, op: 'put', annotator: `ann_${who}` },
    ]);

  const [empty, base] = await Promise.all([
    initRepo(tmp.root(), 'empty'),
    initRepo(tmp.root(), 'base'),
  ]);
  f.empty = empty.root;
  f.initCommit = await empty.head();
  f.importSnapshot = (await base.importLabels(f.labels)).snapshot;
  await base.ok(['branch', 'create', 'feature']);
  await base.ok(['branch', 'create', 'doomed']);
  await base.apply(f.edits, 'feature');
  await base.apply(side('theirs'), 'feature');
  await base.apply(side('ours'), 'main');
  await base.apply(f.edits, 'doomed');
  await base.ok(['branch', 'delete', 'doomed']);
  f.base = base.root;
  f.baseHeads = { main: await base.head('main'), feature: await base.head('feature') };

  const applyReference = async () => {
    f.applySnapshot = (await copyOf(f.base).apply(f.edits, 'main')).snapshot;
  };
  const mergeTemplates = async () => {
    const resolved = copyOf(f.base);
    const conflicted = await resolved.run(['merge', 'start', 'feature', '--into', 'main']);
    expect(conflicted.code, conflicted.stderr).toBe(1);
    await resolved.ok(['merge', 'resolve', '--all', '--theirs', '--into', 'main']);
    f.resolved = resolved.root;
    const merged = copyOf(f.resolved);
    await merged.ok(['merge', 'commit', '--into', 'main']);
    f.mergeSnapshot = (await merged.show('main')).snapshot;
  };
  await Promise.all([applyReference(), mergeTemplates()]);
});

/** One write killed at a failpoint: where it runs, what it runs, what it must leave. */
interface Scenario {
  readonly failpoint: FailpointName;
  readonly command: 'import' | 'apply' | 'merge start' | 'merge commit' | 'gc';
  /** The template the scenario copies. */
  readonly repo: () => string;
  readonly args: () => readonly string[];
  /** The branch the write moves, and whether the kill comes after it moved. */
  readonly moved: boolean;
}

const importInto = (fp: FailpointName, moved = false): Scenario => ({
  failpoint: fp,
  command: 'import',
  repo: () => f.empty,
  args: () => ['import', 'labels', f.labels, '--json'],
  moved,
});
const applyTo = (fp: FailpointName, moved = false): Scenario => ({
  failpoint: fp,
  command: 'apply',
  repo: () => f.base,
  args: () => ['apply', f.edits, '--branch', 'main', '--json'],
  moved,
});
const mergeCommit = (fp: FailpointName, moved = false): Scenario => ({
  failpoint: fp,
  command: 'merge commit',
  repo: () => f.resolved,
  args: () => ['merge', 'commit', '--into', 'main', '--json'],
  moved,
});
const gc = (fp: FailpointName): Scenario => ({
  failpoint: fp,
  command: 'gc',
  repo: () => f.base,
  args: () => ['gc', '--json'],
  moved: false,
});

const SCENARIOS: readonly Scenario[] = [
  importInto('import-after-read'),
  importInto('import-after-trees'),
  importInto('before-chunks-flushed'),
  importInto('after-chunks-flushed'),
  importInto('after-commit-row'),
  importInto('before-ref-cas'),
  importInto('after-ref-cas', true),
  applyTo('before-ref-cas'),
  applyTo('after-ref-cas', true),
  {
    failpoint: 'merge-after-trees-flushed',
    command: 'merge start',
    repo: () => f.base,
    args: () => ['merge', 'start', 'feature', '--into', 'main', '--json'],
    moved: false,
  },
  mergeCommit('before-ref-cas'),
  mergeCommit('after-ref-cas', true),
  gc('gc-after-mark'),
  gc('gc-after-sweep'),
];

/** Every branch's target, by name. */
async function branchTargets(repo: TestRepo): Promise<Record<string, string>> {
  return Object.fromEntries((await repo.refs('branch')).map((r) => [r.name, r.target]));
}

function want(s: Scenario): string {
  if (s.command === 'import') return f.importSnapshot;
  if (s.command === 'apply') return f.applySnapshot;
  return f.mergeSnapshot;
}

/**
 * Right after the kill: every branch where it was, or (killed after the move) main at a
 * complete new commit on the old head; and `verify` clean. Returns main's head.
 */
async function expectOldOrNew(
  repo: TestRepo,
  s: Scenario,
  before: Readonly<Record<string, string>>,
  expect: ExpectStatic,
): Promise<string> {
  if (!s.moved) {
    const [after] = await Promise.all([branchTargets(repo), repo.verify()]);
    expect(after, 'every branch where it was').toEqual(before);
    return before['main']!;
  }
  const [show] = await Promise.all([repo.show('main'), repo.verify()]);
  expect(show.commit, 'the branch moved').not.toBe(before['main']);
  expect(show.parents[0], 'the new commit sits on the old head').toBe(before['main']);
  expect(show.snapshot).toBe(want(s));
  return show.commit;
}

/** The retry: what an uninterrupted run would do from the state the crash left. */
async function expectRetryWorks(
  repo: TestRepo,
  s: Scenario,
  head: string,
  expect: ExpectStatic,
): Promise<void> {
  const retry = await repo.run(s.args());
  switch (s.command) {
    case 'merge start': {
      // the merge stops at its conflict again, now recorded as pending
      expect(retry.code, retry.stderr).toBe(1);
      const status = JSON.parse(await repo.ok(['merge', 'status', '--into', 'main', '--json'])) as {
        conflicts: unknown[];
      };
      expect(status.conflicts).toHaveLength(1);
      return;
    }
    case 'gc': {
      const out = JSON.parse(expectOk(retry, 'retry of gc').stdout) as { reachable: number };
      expect(out.reachable).toBeGreaterThan(0);
      return;
    }
    case 'apply':
      if (s.moved) {
        // the edits are in: applying them again is refused, nothing moves
        expect(retry.code, retry.stderr).toBe(1);
        expect(retry.stderr).toContain('does not exist');
        expect(await repo.head()).toBe(head);
        return;
      }
      break;
    case 'merge commit': {
      expectOk(retry, 'retry of merge commit');
      const [show, pending] = await Promise.all([
        repo.show('main'),
        repo.run(['merge', 'status', '--into', 'main']),
      ]);
      expect(show.snapshot).toBe(f.mergeSnapshot);
      expect(show.parents).toEqual([f.baseHeads.main, f.baseHeads.feature]);
      if (s.moved) expect(show.commit, 'the landed merge commit, not a second one').toBe(head);
      expect(pending.code, 'the pending merge is gone').toBe(1);
      return;
    }
    case 'import':
      break;
  }
  const out = JSON.parse(expectOk(retry, `retry of ${s.command}`).stdout) as {
    commit: string;
    snapshot: string;
    committed: boolean;
  };
  expect(out.snapshot).toBe(want(s));
  // after the move the import is already in: the retry changes nothing
  expect(out.committed).toBe(!s.moved);
  if (s.moved) expect(out.commit).toBe(head);
}

describe.concurrent('a writer killed at each failpoint', () => {
  it('every failpoint is exercised', () => {
    expect(new Set(SCENARIOS.map((s) => s.failpoint))).toEqual(
      // pack-: src/store/pack/pack-crash.test.ts; sync-: test/e2e/remote-crash.test.ts
      new Set(FAILPOINTS.filter((f) => !f.startsWith('pack-') && !f.startsWith('sync-'))),
    );
  });

  it.for(SCENARIOS)(
    '$command at $failpoint: verify clean, the branch old or new, gc keeps it, a retry works',
    async (s, { expect }) => {
      const repo = copyOf(s.repo());
      const before = s.command === 'import' ? { main: f.initCommit } : f.baseHeads;
      // a real process: the failpoint kills the process it is armed in
      const running = repo.spawn(s.args(), { env: { VERSO_FAILPOINT: s.failpoint } });
      const run = await running.done;
      expect(run.signal, `not killed at ${s.failpoint}:\n${run.stderr}`).toBe('SIGKILL');
      expect(run.stdout, 'nothing printed before the kill').toBe('');
      const head = await expectOldOrNew(repo, s, before, expect);

      // gc reclaims the dead writer's lease and deletes only what nothing reaches
      const gcRun = await repo.json<{ reachable: number }>(['gc']);
      expect(gcRun.reachable).toBeGreaterThan(0);
      await repo.verify();
      expect(
        repo.scratchDirs().filter((d) => d.startsWith(`${running.pid}-`)),
        'scratch folder of the dead process',
      ).toEqual([]);

      await expectRetryWorks(repo, s, head, expect);
    },
  );

  it('an unknown failpoint is a usage error, nothing runs', async () => {
    const repo = copyOf(f.empty);
    const r = await repo.spawn(['import', 'labels', f.labels], {
      env: { VERSO_FAILPOINT: 'after-ref-cass' },
    }).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VERSO_FAILPOINT=after-ref-cass names no failpoint');
    expect(await repo.head()).toBe(f.initCommit);
  });
});

interface KillOutcome {
  readonly pid: number;
  /** The process died of the SIGKILL (false: it had finished before the kill). */
  readonly killed: boolean;
  readonly result: RunResult;
}

/** Starts `verso ARGS`, waits until its scratch folder exists (an import) and `delayMs` more, kills it. */
async function killDuring(
  repo: TestRepo,
  args: readonly string[],
  delayMs: number,
  waitForScratch: boolean,
): Promise<KillOutcome> {
  const run = repo.spawn(args);
  if (waitForScratch)
    await waitFor(
      () => run.exited() || repo.scratchDirs().some((d) => d.startsWith(`${run.pid}-`)),
      30_000,
    );
  await waitFor(run.exited, delayMs, 5);
  if (!run.exited()) run.child.kill('SIGKILL');
  const result = await run.done;
  return { pid: run.pid, killed: result.signal === 'SIGKILL', result };
}

/**
 * Kills `verso ARGS` (writing to a fresh branch from `from` each time) at 30% and 65% of
 * `referenceMs` until `kills` kills landed before the branch moved, halving the delays when a
 * run finished first; after each kill the branch is at
 * `from` or at a complete commit with snapshot `want`, verify is clean and the dead process's
 * scratch folder is gone. Returns how many kills landed before the branch moved.
 */
async function killMidway(
  repo: TestRepo,
  name: string,
  args: (branch: string) => readonly string[],
  from: string,
  want: string,
  referenceMs: number,
  waitForScratch: boolean,
  kills: number,
): Promise<number> {
  let delays = [0.3, 0.65].map((x) => x * referenceMs);
  let landed = 0;
  for (let attempt = 0; attempt < 3 * kills && landed < kills; attempt++) {
    const branch = `crash-${name}-${attempt}`;
    await repo.ok(['branch', 'create', branch, '--from', from]);
    const outcome = await killDuring(repo, args(branch), delays[attempt % 2]!, waitForScratch);
    if (!outcome.killed) expectOk(outcome.result, 'finished before the kill');
    const [show] = await Promise.all([repo.show(branch), repo.verify()]);
    if (show.commit !== from) {
      expect(show.parents).toEqual([from]);
      expect(show.snapshot).toBe(want);
    }
    expect(repo.scratchDirs().filter((d) => d.startsWith(`${outcome.pid}-`))).toEqual([]);
    if (outcome.killed && show.commit === from) landed++;
    else delays = delays.map((d) => d / 2);
  }
  return landed;
}

describe('real SIGKILLs at timed moments', () => {
  it('import and apply killed mid-way: the branch stays put, verify is clean, a rerun gives the fresh-repo snapshot, gc keeps it', async () => {
    const ds = await generateProjectData(tmp.dir('timed'), TIMED_LABELS, 77, [TIMED_EDITS]);
    const editsFile = ds.editFiles[0]!.file;
    const reference = await initRepo(tmp.root(), 'timed-reference');
    // timed as processes, like the runs that get killed
    const timed = async (args: readonly string[]) => {
      const start = Date.now();
      const out = expectOk(await reference.spawn([...args, '--json']).done).stdout;
      return {
        ms: Date.now() - start,
        snapshot: (JSON.parse(out) as { snapshot: string }).snapshot,
      };
    };
    const imported = await timed(['import', 'labels', ds.labelsFile]);
    const importMs = imported.ms;
    const applied = await timed(['apply', editsFile, '--branch', 'main']);
    const applyMs = applied.ms;

    const repo = copyOf(f.empty);
    const landedImports = await killMidway(
      repo,
      'import',
      (b) => ['import', 'labels', ds.labelsFile, '--branch', b],
      f.initCommit,
      imported.snapshot,
      importMs,
      true,
      2,
    );
    expect(landedImports, 'kills that landed mid-import').toBe(2);
    expect((await repo.importLabels(ds.labelsFile)).snapshot).toBe(imported.snapshot);
    const base = await repo.head();

    const landedApplies = await killMidway(
      repo,
      'apply',
      (b) => ['apply', editsFile, '--branch', b],
      base,
      applied.snapshot,
      applyMs,
      false,
      1,
    );
    expect(landedApplies, 'kills that landed mid-apply').toBe(1);
    expect((await repo.apply(editsFile, 'main')).snapshot).toBe(applied.snapshot);

    const show = await repo.show('main');
    await repo.json(['gc']);
    // both trees of main and of its parent are whole: their diff gives the counts the apply recorded
    const [after, stat] = await Promise.all([
      repo.show('main'),
      repo.json<Record<string, unknown>>(['diff', 'main~1', 'main', '--stat']),
      repo.verify(),
    ]);
    expect(after).toEqual(show);
    expect(stat['labels']).toEqual(show.operations['labels']);
    expect(stat['reviews']).toEqual(show.operations['reviews']);
  });
});
