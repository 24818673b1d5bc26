/**
 * One COCO benchmark run in its own process, so that its peak RSS is its own (layer: bench):
 * import a coco.json into a fresh repository, then export it back. Prints one JSON object
 * (`CocoRunResult`) on stdout.
 *
 *   node dist/bench/coco-run.js --file coco.json --repo DIR
 */
import { rmSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exportSnapshot } from '../src/api/interchange/export.js';
import { importCoco } from '../src/api/interchange/import-coco.js';
import { initRepository } from '../src/api/repository/init-repository.js';
import { openRepository } from '../src/api/repository/compose.js';
import { peakRssBytes, timeMs } from './measure.js';

export interface CocoRunResult {
  readonly annotations: number;
  readonly images: number;
  readonly fileBytes: number;
  readonly importMs: number;
  readonly importRssBytes: number;
  readonly exportMs: number;
  readonly exportBytes: number;
}

const { values } = parseArgs({ options: { file: { type: 'string' }, repo: { type: 'string' } } });
const file = values.file!;
const dir = values.repo!;
const out = `${dir}.export.json`;

rmSync(dir, { recursive: true, force: true });
await initRepository(dir);
const repo = await openRepository(dir);
const imported = await timeMs(() => importCoco(repo, { file, branch: 'main' }));
const importRssBytes = peakRssBytes();
const exported = await timeMs(() => exportSnapshot(repo, { ref: 'main', format: 'coco', out }));
await repo.close();
const exportBytes = statSync(out).size;
rmSync(out, { force: true });
rmSync(dir, { recursive: true, force: true });

const result: CocoRunResult = {
  annotations: imported.value.annotations,
  images: imported.value.images,
  fileBytes: statSync(file).size,
  importMs: imported.ms,
  importRssBytes,
  exportMs: exported.ms,
  exportBytes,
};
process.stdout.write(JSON.stringify(result) + '\n');
