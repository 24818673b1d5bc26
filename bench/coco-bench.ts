/**
 * `npm run bench -- coco [--annotations 1000000,10000000]`: COCO import and export (layer: bench).
 *
 * For each size N, the shared generator (`../shared/tools/gen-dataset.mjs`) writes a coco.json
 * of N / 3.2 images (about 3.1 annotations each, so slightly fewer than N annotations), cached
 * in `.bench-data/coco-<images>-seed-<s>/`. Each size runs in a child process (`coco-run.ts`,
 * `--max-old-space-size=3072` as `npm run bench` gives the parent) that imports into a fresh
 * repository and exports back to COCO. Targets (issue 3): import >= 80,000 annotations/s with
 * peak RSS <= 3 GiB; export >= 150,000 annotations/s. A missed target prints MISS.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CocoRunResult } from './coco-run.js';
import { benchLog, fmtNumber, renderTable, type TableRow } from './table.js';

const { values } = parseArgs({
  options: {
    annotations: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: '.bench-data' },
    'work-dir': { type: 'string', default: '.bench-data/work' },
    out: { type: 'string', default: 'bench-results' },
  },
});

const LABELS_PER_IMAGE = 3.2;
const GiB = 1024 ** 3;
const distDir = resolve(import.meta.dirname);
const generator = resolve(distDir, '../../shared/tools/gen-dataset.mjs');
const seed = Number(values.seed);
const sizes = values.annotations.split(',').map(Number);
const work = resolve(values['work-dir']);
mkdirSync(work, { recursive: true });

const log = benchLog('coco');

function dataset(annotations: number): string {
  const images = Math.round(annotations / LABELS_PER_IMAGE);
  const dir = resolve(values['data-dir'], `coco-${images}-seed-${seed}`);
  const file = join(dir, 'coco.json');
  if (existsSync(join(dir, 'labels.jsonl')) && existsSync(file)) return file;
  if (!existsSync(generator)) throw new Error(`the shared generator is missing: ${generator}`);
  log(`generating ${images} images (~${annotations} annotations) in ${dir}`);
  execFileSync(
    process.execPath,
    [generator, '--images', String(images), '--seed', String(seed), '--out', dir, '--edits', '500'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return file;
}

function run(file: string, name: string): CocoRunResult {
  log(`import + export of ${file}`);
  const out = execFileSync(
    process.execPath,
    [
      '--max-old-space-size=3072',
      join(distDir, 'coco-run.js'),
      '--file',
      file,
      '--repo',
      join(work, name),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as CocoRunResult;
}

const fmt = (x: number, d = 0) => fmtNumber(x, d);

interface Row extends TableRow {
  readonly value: number;
}

function rows(r: CocoRunResult): Row[] {
  const importRate = r.annotations / (r.importMs / 1000);
  const exportRate = r.annotations / (r.exportMs / 1000);
  const n = fmt(r.annotations);
  return [
    {
      operation: `import coco.json (${n} annotations, ${fmt(r.fileBytes / 2 ** 20)} MiB)`,
      measured: `${fmt(importRate)} annotations/s (${fmt(r.importMs / 1000, 1)} s)`,
      target: '>= 80,000 annotations/s',
      ok: importRate >= 80_000,
      value: importRate,
    },
    {
      operation: `import peak RSS (${n})`,
      measured: `${fmt(r.importRssBytes / GiB, 2)} GiB`,
      target: '<= 3 GiB',
      ok: r.importRssBytes <= 3 * GiB,
      value: r.importRssBytes,
    },
    {
      operation: `export coco (${n})`,
      measured: `${fmt(exportRate)} annotations/s (${fmt(r.exportMs / 1000, 1)} s)`,
      target: '>= 150,000 annotations/s',
      ok: exportRate >= 150_000,
      value: exportRate,
    },
  ];
}

const runs = sizes.map((n) => ({ size: n, result: run(dataset(n), `coco-${n}`) }));
const table = runs.flatMap((r) => rows(r.result));
process.stdout.write(
  renderTable(`Verso COCO benchmark: ${cpus().length} cores, node ${process.version}`, table),
);
const report = {
  suite: 'coco',
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
  },
  date: new Date().toISOString(),
  runs,
  rows: table,
};
mkdirSync(values.out, { recursive: true });
const file = join(values.out, `bench-coco-${sizes.join('-')}.json`);
writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
log(`wrote ${file}`);
