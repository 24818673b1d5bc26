/**
 * Writers on one branch do not refuse each other's unrelated work (issue 13). The report:
 * processes applying small batches to one branch landed about one in three; the rest were
 * refused "branch moved, retry". Now a batch whose head moved is rebased onto the new head when
 * none of its labels changed there, and refused with WRITE_CONFLICT, naming the labels, when
 * some did; `--expected-head` is strict and never rebases.
 *
 * - Several processes, each applying its batch files through the library (one process start
 *   per writer, not per batch), on labels of their own: every batch lands, every commit is in the
 *   branch's history (a line), the labels are the union, each commit's author is its process's
 *   identity, and the repository verifies.
 * - Two CLI applies made to overlap exactly: the first, a child process, reads its batch from a
 *   named pipe, so it has read the branch head and waits there while the second commits; then
 *   the first gets its batch. Disjoint labels: both land, the first rebased on the second. The same label: the
 *   first exits 1 with WRITE_CONFLICT naming it, and the second's label is on the branch.
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  E2E_AUTHOR,
  expectFailure,
  expectOk,
  initRepo,
  REPO_ROOT,
  runProgram,
  sleep,
  useTempRoot,
  writeJsonLines,
  type TestRepo,
  type WriteJson,
} from './helpers.js';

const tmp = useTempRoot('apply-concurrent');

const PROCESSES = 4;
const BATCHES = 15;
const LABELS_PER_BATCH = 3;

/** One writer process: opens the repository once and applies its batches one after another. */
const WORKER = `
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [index, root, worker, count, perBatch] = process.argv.slice(1);
const lib = await import(index);
const repo = await lib.openRepository(root, { identity: { author: 'worker-' + worker } });
const results = [];
try {
  for (let b = 0; b < Number(count); b++) {
    const image = 'w' + worker + '-b' + b;
    const file = join(root, '..', image + '.jsonl');
    const lines = Array.from({ length: Number(perBatch) }, (_, l) =>
      JSON.stringify({ op: 'put', image, label: String(l), category: 'car', bbox: [l, l, 5, 5] }));
    writeFileSync(file, lines.join('\\n') + '\\n');
    try {
      const r = await lib.applyEdits(repo, { file, branch: 'main' });
      results.push({ image, commit: r.commit, rebases: r.rebases });
    } catch (e) {
      results.push({ image, error: e.code ?? String(e), message: String(e.message) });
    }
  }
} finally {
  await repo.close();
}
process.stdout.write(JSON.stringify(results));
`;

interface WorkerResult {
  readonly image: string;
  readonly commit?: string;
  readonly rebases?: number;
  readonly error?: string;
}

let n = 0;
let repo: TestRepo;
beforeEach(async () => {
  repo = await initRepo(tmp.dir(`case-${n++}`));
});

describe('several processes applying batches to one branch', () => {
  it(`${PROCESSES} processes x ${BATCHES} batches on labels of their own: every batch lands`, async () => {
    const index = pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'index.js')).href;
    const runs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, w) =>
        runProgram(process.execPath, [
          '--input-type=module',
          '-e',
          WORKER,
          index,
          repo.root,
          String(w),
          String(BATCHES),
          String(LABELS_PER_BATCH),
        ]),
      ),
    );
    const results = runs.flatMap((r, w) => {
      expectOk(r, `writer process ${w}`);
      return (JSON.parse(r.stdout) as WorkerResult[]).map((x) => ({ ...x, worker: w }));
    });
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    expect(results).toHaveLength(PROCESSES * BATCHES);
    const rebased = results.filter((r) => (r.rebases ?? 0) > 0).length;
    expect(rebased, 'the processes did race (some batches were rebased)').toBeGreaterThan(0);

    // every acknowledged commit is on the branch, in one line of history, by its process
    const log = await repo.log('main');
    expect(log).toHaveLength(PROCESSES * BATCHES + 1);
    for (let i = 0; i + 1 < log.length; i++) expect(log[i]!.parents).toEqual([log[i + 1]!.id]);
    const byId = new Map(log.map((c) => [c.id, c]));
    for (const r of results) expect(byId.get(r.commit!)?.author).toBe(`worker-${r.worker}`);

    // the labels are the union of every batch
    const keys = (await repo.cat('main')).map((l) => `${l.image}/${String(l.label)}`).sort();
    const expected = results
      .flatMap((r) => Array.from({ length: LABELS_PER_BATCH }, (_, l) => `${r.image}/${l}`))
      .sort();
    expect(keys).toEqual(expected);
    await repo.verify();
  });
});

/**
 * Starts `verso apply PIPE` and waits until it has opened the pipe (so it has read the branch
 * head); returns the pipe's write end and the running apply.
 */
async function applyWaitingOnPipe(extra: readonly string[] = []) {
  const pipe = join(repo.root, '..', `batch-${n}.pipe`);
  expectOk(await runProgram('mkfifo', [pipe]), 'mkfifo');
  const running = repo.spawn(['apply', pipe, '--branch', 'main', '--json', ...extra]);
  let fd: number | undefined;
  for (let waited = 0; fd === undefined; waited += 10) {
    try {
      // succeeds only once a reader has the pipe open (ENXIO before)
      fd = openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || waited > 20_000) throw e;
      if (running.exited()) throw new Error(`apply exited early:\n${(await running.done).stderr}`);
      await sleep(10);
    }
  }
  const send = async (ops: readonly object[]) => {
    writeSync(fd, ops.map((o) => JSON.stringify(o) + '\n').join(''));
    closeSync(fd);
    return running.done;
  };
  return { send };
}

const put = (image: string, category: string) => ({
  op: 'put',
  image,
  label: '1',
  category,
  bbox: [1, 1, 5, 5],
});

describe('two CLI applies that overlap exactly', () => {
  it('on different labels: both land, the first rebased onto the second', async () => {
    const first = await applyWaitingOnPipe();
    const second = await repo.apply(
      writeJsonLines(join(repo.root, '..', 'b.jsonl'), [put('b', 'dog')]),
      'main',
    );
    const r = expectOk(await first.send([put('a', 'cat')]), 'the first apply');
    const out = JSON.parse(r.stdout) as WriteJson & { rebases: number };
    expect(out.rebases).toBe(1);
    const log = await repo.log('main');
    expect(log.slice(0, 2).map((c) => c.id)).toEqual([out.commit, second.commit]);
    expect(log[0]!).toMatchObject({ parents: [second.commit], author: E2E_AUTHOR });
    const labels = (await repo.cat('main')).map((l) => [l.image, l.category]);
    expect(labels).toEqual([
      ['a', 'cat'],
      ['b', 'dog'],
    ]);
  });

  it('on the same label: the first is refused with WRITE_CONFLICT naming it, nothing lost', async () => {
    const first = await applyWaitingOnPipe();
    const second = await repo.apply(
      writeJsonLines(join(repo.root, '..', 'b.jsonl'), [put('x', 'dog')]),
      'main',
    );
    const r = await first.send([put('y', 'cat'), put('x', 'cat')]);
    expectFailure(r, 1, "labels of (image 'x', label '1')", "branch 'main' moved");
    const envelope = JSON.parse(r.stdout) as {
      error: { code: string; data: object; hint: string };
    };
    expect(envelope.error).toMatchObject({
      code: 'WRITE_CONFLICT',
      data: {
        branch: 'main',
        head: second.commit,
        conflicts: [{ tree: 'labels', image: 'x', label: '1' }],
      },
    });
    expect(envelope.error.hint).toContain('verso diff');
    expect(await repo.head('main')).toBe(second.commit);
    expect((await repo.cat('main')).map((l) => [l.image, l.category])).toEqual([['x', 'dog']]);
  });

  it('--expected-head: a branch that moved is refused with its head, even on other labels', async () => {
    const old = await repo.head('main');
    const second = await repo.apply(
      writeJsonLines(join(repo.root, '..', 'b.jsonl'), [put('b', 'dog')]),
      'main',
    );
    const batch = writeJsonLines(join(repo.root, '..', 'a.jsonl'), [put('a', 'cat')]);
    const stale = await repo.run(['apply', batch, '--branch', 'main', '--expected-head', old]);
    expectFailure(stale, 1, "branch 'main' moved", second.commit);
    expect(await repo.head('main')).toBe(second.commit);

    const first = await applyWaitingOnPipe(['--expected-head', second.commit.slice(0, 12)]);
    const third = await repo.apply(
      writeJsonLines(join(repo.root, '..', 'c.jsonl'), [put('c', 'dog')]),
      'main',
    );
    expectFailure(await first.send([put('a', 'cat')]), 1, third.commit);
    expect(await repo.head('main')).toBe(third.commit);

    const ok = await repo.apply(batch, 'main', '--expected-head', third.commit);
    expect(ok.commit).toBe(await repo.head('main'));
  });
});
