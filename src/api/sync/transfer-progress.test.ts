/**
 * Progress of a transfer: clone and push report every delivered batch, the chunks done never
 * go backwards, and the last report is the whole plan (done = total = the chunks moved).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importLabels } from '../ingest/import-labels.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import type { Progress } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';
import { applyEdits } from '../write/apply-edits.js';
import { cloneRepository } from './clone.js';
import { pushTo } from './push.js';
import { localSyncPeer } from './sync-peer.js';

const dir = mkdtempSync(join(tmpdir(), 'verso-sync-progress-'));
const open: Repository[] = [];
afterAll(async () => {
  for (const r of open) await r.close();
  rmSync(dir, { recursive: true, force: true });
});

function jsonl(name: string, rows: readonly object[]): string {
  const file = join(dir, name);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

function expectWhole(reports: Progress[], moved: number): void {
  expect(reports.length).toBeGreaterThan(0);
  for (let i = 1; i < reports.length; i++)
    expect(reports[i]!.done).toBeGreaterThanOrEqual(reports[i - 1]!.done);
  expect(reports.at(-1)).toEqual({ phase: 'chunks', done: moved, total: moved });
}

describe('transfer progress', () => {
  it('clone and push report each batch and end at the whole plan', async () => {
    await initRepository(join(dir, 'origin'));
    const origin = await openRepository(join(dir, 'origin'));
    open.push(origin);
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      image: `img-${Math.floor(i / 3)}`,
      label: String(i),
      category: i % 2 ? 'car' : 'person',
      bbox: [1, 2, 3 + (i % 50), 4],
    }));
    await importLabels(origin, { file: jsonl('labels.jsonl', rows), branch: 'main' });
    const cloned: Progress[] = [];
    const clone = await cloneRepository(join(dir, 'clone'), localSyncPeer(origin), {
      url: 'http://127.0.0.1:1/repos/origin',
      onProgress: (p) => cloned.push(p),
    });
    expectWhole(cloned, clone.chunks);

    const local = await openRepository(join(dir, 'clone'));
    open.push(local);
    const edits = rows.slice(0, 400).map((r) => ({ op: 'put', ...r, category: 'bus' }));
    await applyEdits(local, { file: jsonl('edits.jsonl', edits), branch: 'main' });
    const pushed: Progress[] = [];
    const push = await pushTo(local, localSyncPeer(origin), {
      remote: 'origin',
      branch: 'main',
      batchBytes: 16 << 10,
      onProgress: (p) => pushed.push(p),
    });
    expect(push.batches).toBeGreaterThan(1);
    expect(pushed).toHaveLength(push.batches);
    expectWhole(pushed, push.chunks);
  });
});
