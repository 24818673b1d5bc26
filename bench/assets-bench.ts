/**
 * `npm run bench -- assets [--images 10000]`: adding image files (layer: bench).
 *
 * Generates (or reuses) N real-size JPEG/PNG files in `.bench-data/images-N/` (`gen-images.ts`),
 * then drives the real CLI (`bin/verso.js`, one process per step, wall clock):
 * 1. cold `verso add images DIR` into a fresh repository whose blob store is a fresh shared
 *    folder (`init --blob-store`) - target (issue 3): >= 300 files/s;
 * 2. the same bytes again under other names (hard links named `renamed-*`): N new images, no
 *    new blob;
 * 3. the same folder into a second repository sharing the blob store: no new blob;
 * 4. `verso verify --assets` (every blob re-hashed).
 * Dedup is verified on disk: the blob folder holds exactly the N distinct blobs and their bytes
 * after every step. Inputs are read through the page cache as the generator left it; the load
 * average at the start is recorded, since other work on the machine shows in wall-clock rates.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  linkSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureImageSet, type ImageSet } from './gen-images.js';
import { fmtNumber, renderTable, type TableRow, benchLog } from './table.js';
import { VERSO_CLI } from './paths.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: '.bench-data' },
    'work-dir': { type: 'string', default: '.bench-data/work' },
    out: { type: 'string', default: 'bench-results' },
  },
});

const N = Number(values.images);
const TARGET_FILES_PER_S = 300;
const MB = 1e6;
const cli = VERSO_CLI;
const work = resolve(values['work-dir'], 'assets');

interface AddResult {
  readonly images: number;
  readonly added: number;
  readonly unchanged: number;
  readonly skipped: number;
  /** `verso add images --json` (snake_case, like every `--json`). */
  readonly blobs_new: number;
  readonly blobs_deduplicated: number;
  readonly bytes_new: number;
}

interface Step<T> {
  readonly ms: number;
  readonly result: T;
}

interface BlobCount {
  readonly blobs: number;
  readonly bytes: number;
}

const log = benchLog('assets');

function verso<T>(args: readonly string[]): Step<T> {
  const t0 = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [cli, ...args, '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, result: JSON.parse(out) as T };
}

/** Blob files (`ab/cd/<sha256>`) and their bytes; the store's `tmp/` is not counted. */
function countBlobs(dir: string): BlobCount {
  let blobs = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || e.parentPath.startsWith(join(dir, 'tmp'))) continue;
    blobs++;
    bytes += statSync(join(e.parentPath, e.name)).size;
  }
  return { blobs, bytes };
}

/** The set again under other names (hard links where possible: no extra bytes on disk). */
function renamedCopy(set: ImageSet, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  set.files.forEach((file, i) => {
    const to = join(dir, `renamed-${String(i).padStart(6, '0')}${extname(file)}`);
    try {
      linkSync(join(set.dir, file), to);
    } catch {
      copyFileSync(join(set.dir, file), to);
    }
  });
}

const set = ensureImageSet({
  count: N,
  seed: Number(values.seed),
  outDir: resolve(values['data-dir'], `images-${N}`),
  log,
});
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const store = join(work, 'blobs');
const [repoA, repoB, renamed] = ['repo-a', 'repo-b', 'renamed'].map((n) => join(work, n)) as [
  string,
  string,
  string,
];
const load = loadavg()[0]!;
verso(['init', repoA, '--blob-store', store]);
verso(['init', repoB, '--blob-store', store]);

log(`cold add of ${N} files (${fmtNumber(set.bytes / MB, 0)} MB)`);
const cold = verso<AddResult>(['--repo', repoA, 'add', 'images', set.dir]);
const afterCold = countBlobs(store);
log('the same bytes under other names');
renamedCopy(set, renamed);
const rename = verso<AddResult>(['--repo', repoA, 'add', 'images', renamed]);
const afterRename = countBlobs(store);
log('the same folder into a second repository sharing the blob store');
const second = verso<AddResult>(['--repo', repoB, 'add', 'images', set.dir]);
const afterSecond = countBlobs(store);
log('verify --assets');
const verify = verso<{ assets: { assets: number; problems: unknown[] } }>([
  '--repo',
  repoA,
  'verify',
  '--assets',
]);

const rate = (s: Step<unknown>, files = N) => files / (s.ms / 1000);
const expected: BlobCount = { blobs: N, bytes: set.bytes };
const same = (c: BlobCount) => c.blobs === expected.blobs && c.bytes === expected.bytes;
const blobsText = (c: BlobCount) => `${c.blobs} blobs, ${fmtNumber(c.bytes / MB, 1)} MB`;
const rows: TableRow[] = [
  {
    operation: `add images, cold (${N} files, ${fmtNumber(set.bytes / MB, 0)} MB)`,
    measured: `${fmtNumber(rate(cold), 0)} files/s, ${fmtNumber(set.bytes / MB / (cold.ms / 1000), 0)} MB/s (${fmtNumber(cold.ms / 1000)} s)`,
    target: `>= ${TARGET_FILES_PER_S} files/s`,
    ok: rate(cold) >= TARGET_FILES_PER_S && cold.result.added === N,
  },
  {
    operation: 'blob store after the cold add',
    measured: `${blobsText(afterCold)}, ${cold.result.blobs_new} new`,
    target: `${N} blobs, all bytes`,
    ok: same(afterCold) && cold.result.blobs_new === N,
  },
  {
    operation: 'same bytes under other names (same repo)',
    measured: `${fmtNumber(rate(rename), 0)} files/s; ${rename.result.added} added, ${rename.result.blobs_new} new blobs`,
    target: '0 new blobs',
    ok: rename.result.added === N && rename.result.blobs_new === 0 && same(afterRename),
  },
  {
    operation: 'same folder, second repo sharing the store',
    measured: `${fmtNumber(rate(second), 0)} files/s; ${second.result.added} added, ${second.result.blobs_new} new blobs`,
    target: '0 new blobs',
    ok: second.result.added === N && second.result.blobs_new === 0 && same(afterSecond),
  },
  {
    operation: 'blob store after all three adds',
    measured: blobsText(afterSecond),
    target: 'unchanged',
    ok: same(afterSecond),
  },
  {
    operation: `verify --assets (${verify.result.assets.assets} records)`,
    measured: `${fmtNumber(rate(verify, verify.result.assets.assets), 0)} records/s, ${verify.result.assets.problems.length} problems`,
    target: 'info',
    ok: null,
  },
];

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryBytes: totalmem(),
  node: process.version,
  loadAverage1m: load,
};
process.stdout.write(
  renderTable(
    `Verso assets benchmark: ${N} images, ${machine.cpus} cores (${machine.cpuModel}), load average ${fmtNumber(load, 2)} at start, node ${machine.node}, ${new Date().toISOString()}`,
    rows,
  ),
);
mkdirSync(values.out, { recursive: true });
const file = join(values.out, `assets-${N}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      machine,
      date: new Date().toISOString(),
      images: N,
      imageBytes: set.bytes,
      steps: { cold, rename, second, verify: { ms: verify.ms } },
      blobStore: { afterCold, afterRename, afterSecond },
      rows,
    },
    null,
    2,
  ) + '\n',
);
log(`wrote ${file}`);
rmSync(work, { recursive: true, force: true }); // 2.6 GB of blobs at 10,000 images
