/**
 * One Verso benchmark run on one dataset, in its own process so that its peak RSS is its own
 * (layer: bench). Prints one JSON object (`VersoRunResult`) on stdout.
 *
 *   node dist/bench/verso-run.js --labels-file F --edits-file E --repo DIR
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { applyEdits } from '../src/api/write/apply-edits.js';
import { catLabelBlocks } from '../src/api/read/cat.js';
import { diffRefs } from '../src/api/read/diff.js';
import { importLabels } from '../src/api/ingest/import-labels.js';
import { initRepository } from '../src/api/repository/init-repository.js';
import { createBranch } from '../src/api/repository/refs.js';
import { versoDir, type Repository } from '../src/api/repository/repository.js';
import { openRepository } from '../src/api/repository/compose.js';
import { sha256 } from '../src/core/hash.js';
import { OutputFile } from '../src/io/output-file.js';
import { diskUsage, median, peakRssBytes, timeMs } from './measure.js';

export interface VersoRunResult {
  readonly labels: number;
  readonly importMs: number;
  readonly importRssBytes: number;
  readonly repoBytesAfterImport: number;
  readonly branchCreateMedianMs: number;
  readonly branchCreateMaxMs: number;
  readonly applyMs: number;
  readonly applyGrowthBytes: number;
  /** Bytes of the chunks the commit wrote, before compression (what a log-structured store would add). */
  readonly applyChunkBytes: number;
  readonly diffChanges: number;
  readonly diffColdMs: number;
  readonly diffWarmMedianMs: number;
  readonly catMs: number;
  readonly catLines: number;
  /** Every stored chunk read once through the store (decompressed and hash-checked), cold. */
  readonly chunkReadMs: number;
  readonly chunkReadCount: number;
  readonly chunkReadBytes: number;
  /** The SHA-256 part of those reads: the cost of verifying every read. */
  readonly chunkHashMs: number;
}

const { values } = parseArgs({
  options: {
    'labels-file': { type: 'string' },
    'edits-file': { type: 'string' },
    repo: { type: 'string' },
  },
});
const labelsFile = values['labels-file']!;
const editsFile = values['edits-file']!;
const dir = values.repo!;

rmSync(dir, { recursive: true, force: true });
await initRepository(dir);
let repo: Repository = await openRepository(dir);

const imported = await timeMs(() => importLabels(repo, { file: labelsFile, branch: 'main' }));
const importRssBytes = peakRssBytes();
await repo.close();
const repoBytesAfterImport = diskUsage(versoDir(dir));
repo = await openRepository(dir);

const branchTimes: number[] = [];
for (let i = 0; i < 200; i++)
  branchTimes.push((await timeMs(() => createBranch(repo, `b${i}`, 'main'))).ms);
await createBranch(repo, 'edit', 'main');

await repo.close();
const before = diskUsage(versoDir(dir));
repo = await openRepository(dir);
let applyChunkBytes = 0;
const put = repo.chunks.put.bind(repo.chunks);
repo.chunks.put = (hash, bytes) => {
  applyChunkBytes += bytes.length;
  put(hash, bytes);
};
const applied = await timeMs(() => applyEdits(repo, { file: editsFile, branch: 'edit' }));
await repo.close();
const applyGrowthBytes = diskUsage(versoDir(dir)) - before;

async function diffOnce(r: Repository): Promise<number> {
  let n = 0;
  for await (const _ of diffRefs(r, 'edit~1', 'edit')) n++;
  return n;
}
repo = await openRepository(dir);
const cold = await timeMs(() => diffOnce(repo));
const warm: number[] = [];
for (let i = 0; i < 7; i++) warm.push((await timeMs(() => diffOnce(repo))).ms);

const catFile = `${dir}.cat.jsonl`;
const cat = await timeMs(async () => {
  const out = OutputFile.open(catFile);
  let lines = 0;
  for await (const block of catLabelBlocks(repo, 'main')) {
    for (let i = block.indexOf(10); i >= 0; i = block.indexOf(10, i + 1)) lines++;
    await out.write(block);
  }
  await out.close();
  return lines;
});
rmSync(catFile, { force: true });
await repo.close();

// Verified reads: every chunk once from a cold store, then the hashing alone on the same bytes.
repo = await openRepository(dir);
const chunkBytes: Uint8Array[] = [];
const chunkRead = await timeMs(async () => {
  for await (const h of repo.chunks.hashes()) chunkBytes.push((await repo.chunks.get(h))!);
});
const chunkHash = await timeMs(async () => {
  for (const b of chunkBytes) sha256(b);
});
await repo.close();

const result: VersoRunResult = {
  labels: imported.value.lines,
  importMs: imported.ms,
  importRssBytes,
  repoBytesAfterImport,
  branchCreateMedianMs: median(branchTimes),
  branchCreateMaxMs: Math.max(...branchTimes),
  applyMs: applied.ms,
  applyGrowthBytes,
  applyChunkBytes,
  diffChanges: cold.value,
  diffColdMs: cold.ms,
  diffWarmMedianMs: median(warm),
  catMs: cat.ms,
  catLines: cat.value,
  chunkReadMs: chunkRead.ms,
  chunkReadCount: chunkBytes.length,
  chunkReadBytes: chunkBytes.reduce((n, b) => n + b.length, 0),
  chunkHashMs: chunkHash.ms,
};
process.stdout.write(JSON.stringify(result) + '\n');
