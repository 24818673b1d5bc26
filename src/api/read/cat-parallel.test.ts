/**
 * `cat` on worker threads gives byte for byte the single-threaded output: many small ranges over
 * a real embedded repository, labels with and without reviews, ids that need JSON escaping, and
 * a consumer that stops early (the workers end on their own, nothing hangs, and a worker still
 * loading lmdb-js is never killed, which would abort the process). The worker is the
 * built one (`dist/`, as the CLI runs it).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLabels } from '../ingest/import-labels.js';
import { initRepository } from '../repository/init-repository.js';
import { openRepository } from '../repository/compose.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { labelRangeBlocks } from './label-lines.js';
import { parallelCatBlocks } from './cat-parallel.js';

const WORKER = join(import.meta.dirname, '../../../dist/src/api/read/cat-worker.js');
const LABELS = 6000;
let dir: string;
let repo: Repository;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-cat-parallel-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
  const lines: string[] = [];
  for (let i = 0; i < LABELS; i++) {
    const image = i % 97 === 0 ? `img "${i >> 2}" é\\` : `img${String(i >> 2).padStart(5, '0')}`;
    const review = i % 3 === 0 ? { status: 'approved', reviewer: `rev${i % 7}` } : undefined;
    const label = { image, label: `l${i % 4}`, category: i % 2 ? 'car' : 'person' };
    lines.push(
      JSON.stringify({ ...label, bbox: [i % 50, 2, 10, 10], ...(review ? { review } : {}) }),
    );
  }
  writeFileSync(join(dir, 'labels.jsonl'), lines.join('\n') + '\n');
  await importLabels(repo, {
    file: join(dir, 'labels.jsonl'),
    branch: 'main',
    policy: { allowUnknownImages: true },
  });
});

afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(blocks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const b of blocks) all.push(b);
  return Buffer.concat(all);
}

describe('parallelCatBlocks', () => {
  it('renders the same bytes as one thread, in key order', async () => {
    expect(existsSync(WORKER)).toBe(true);
    const { snap } = await snapshotAtRef(repo, 'main');
    const [labels, reviews] = [treeRoot(snap, 'labels'), treeRoot(snap, 'reviews')];
    const single = await collect(labelRangeBlocks(repo.nodes, labels, reviews));
    expect(single.toString('utf8').split('\n').length - 1).toBe(LABELS);
    for (const [labelsPerRange, workers] of [
      [50, 2],
      [333, 3],
      [2000, 2],
    ] as const) {
      const blocks = await parallelCatBlocks(repo, labels, reviews, {
        labelsPerRange,
        workers,
        workerFile: WORKER,
      });
      expect(blocks).toBeDefined();
      expect((await collect(blocks!)).equals(single)).toBe(true);
    }
  });

  it('stops its workers when the reader stops early', async () => {
    const { snap } = await snapshotAtRef(repo, 'main');
    const blocks = await parallelCatBlocks(
      repo,
      treeRoot(snap, 'labels'),
      treeRoot(snap, 'reviews'),
      {
        labelsPerRange: 50,
        workers: 2,
        workerFile: WORKER,
      },
    );
    const first = await blocks!.next();
    expect(first.done).toBe(false);
    await blocks!.return(undefined);
    expect((await blocks!.next()).done).toBe(true);
  });

  it('survives readers that stop while workers still load, and every worker ends', async () => {
    const { snap } = await snapshotAtRef(repo, 'main');
    const [labels, reviews] = [treeRoot(snap, 'labels'), treeRoot(snap, 'reviews')];
    const opts = { labelsPerRange: 50, workers: 2, workerFile: WORKER };
    const stopAfterFirstBlock = async () => {
      const blocks = await parallelCatBlocks(repo, labels, reviews, opts);
      expect((await blocks!.next()).done).toBe(false);
      await blocks!.return(undefined);
    };
    await stopAfterFirstBlock();
    await sleep(500);
    const threadsBefore = threadCount();
    // Each stop lands while the slower worker is often still loading lmdb-js's native module:
    // killing it there (worker.terminate) aborted the whole process now and then.
    for (let i = 0; i < 60; i++) await stopAfterFirstBlock();
    for (let waited = 0; threadCount() > threadsBefore && waited < 20_000; waited += 100)
      await sleep(100);
    expect(threadCount()).toBeLessThanOrEqual(threadsBefore);
  });

  it('runs on this thread for a snapshot smaller than two ranges', async () => {
    const { snap } = await snapshotAtRef(repo, 'main');
    const opts = { labelsPerRange: LABELS * 2, workers: 2, workerFile: WORKER };
    expect(
      await parallelCatBlocks(repo, treeRoot(snap, 'labels'), treeRoot(snap, 'reviews'), opts),
    ).toBeUndefined();
  });
});

/** This process's OS threads (Linux): a worker thread that has not ended is one of them. */
function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}
