/**
 * Slices (issue 17) on the real Pascal VOC 2012 ground truth: `slice show` gives a selection's
 * images as `select` chose them (by id, id prefix or name); `slice export` writes, in every
 * format, exactly the labels of the slice's images at the slice's commit, even after the branch
 * moved on (a saved slice: the labels its filter matched there); `slice branch` starts at that
 * commit; an unknown slice is refused with nothing written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import { LABEL_EXPORT_FORMATS } from '../interchange/export.js';
import { importCoco } from '../interchange/import-coco.js';
import { catLabels } from '../read/cat.js';
import { initRepository } from '../repository/init-repository.js';
import { openRepository } from '../repository/compose.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import { applyEdits } from '../write/apply-edits.js';
import { registerModel } from './model-register.js';
import { importPredictions } from './predict-import.js';
import { startRun } from './run-start.js';
import { selectImages, type SelectResult } from './select.js';
import { saveSlice } from './slice-save.js';
import { branchSlice, exportSlice, showSlice } from './slices.js';

const GT = join(
  import.meta.dirname,
  '../../../../shared/data/real/coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);

let dir: string;
let repo: Repository;
let selected: SelectResult;
let selectedCommit: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-slices-'));
  await initRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  repo = await openRepository(join(dir, 'repo'), { identity: { author: 'ann' } });
  await importCoco(repo, { file: GT, branch: 'main' });
  const rows: string[] = [];
  for await (const line of catLabels(repo, 'main')) {
    const l = JSON.parse(line) as {
      image: string;
      label: string;
      category: string;
      bbox: number[];
    };
    const score =
      ((l.label.length * 7 + Number(l.label.replace(/\D/g, '') || 0) * 13) % 90) / 100 + 0.05;
    rows.push(
      JSON.stringify({
        image: l.image,
        prediction: l.label,
        category: l.category,
        bbox: l.bbox,
        score,
      }),
    );
  }
  writeFileSync(join(dir, 'p.jsonl'), rows.join('\n') + '\n');
  const { run } = await startRun(repo, { dataset: 'main' });
  await registerModel(repo, { run: run.id, name: 'det', version: '1' });
  await importPredictions(repo, { model: 'det@1', format: 'jsonl', path: join(dir, 'p.jsonl') });
  selected = await selectImages(repo, {
    dataset: 'main',
    predictions: 'det@1',
    strategy: 'margin',
    top: 5,
    name: 'hard5',
  });
  selectedCommit = (await snapshotAtRef(repo, 'main')).commit;
  // main moves on: one selected image's labels change after the selection
  const img = selected.images[0]!.image;
  const edits: string[] = [];
  for await (const line of catLabels(repo, 'main')) {
    const l = JSON.parse(line) as { image: string; label: string };
    if (l.image === img)
      edits.push(JSON.stringify({ op: 'patch', image: img, label: l.label, category: 'cat' }));
  }
  writeFileSync(join(dir, 'e.jsonl'), edits.join('\n') + '\n');
  await applyEdits(repo, { file: join(dir, 'e.jsonl'), branch: 'main' });
}, 60_000);
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

async function labelsAt(
  ref: string,
  keep: (l: Record<string, unknown>) => boolean,
): Promise<string[]> {
  const out: string[] = [];
  for await (const line of catLabels(repo, ref))
    if (keep(JSON.parse(line) as Record<string, unknown>)) out.push(line);
  return out;
}

describe('slices', () => {
  it('shows a selection by id, id prefix or name, images hardest first', async () => {
    const id = selected.slice.id;
    for (const ref of [id, id.slice(0, 10), 'hard5']) {
      const s = await showSlice(repo, ref);
      expect(s.slice.id).toBe(id);
      expect(s.images).toEqual(selected.images);
    }
    await expect(showSlice(repo, 'no-such-slice')).rejects.toBeInstanceOf(
      LineageRecordNotFoundError,
    );
  });

  it("exports exactly the selection's labels at the slice's commit, in every format", async () => {
    const images = new Set(selected.images.map((i) => i.image));
    const want = await labelsAt(selectedCommit, (l) => images.has(String(l['image'])));
    expect(await labelsAt('main', (l) => images.has(String(l['image'])))).not.toEqual(want);
    const out = join(dir, 'slice.jsonl');
    const r = await exportSlice(repo, { slice: 'hard5', format: 'jsonl', out });
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toEqual(want);
    expect([r.commit, r.slice]).toEqual([selectedCommit, selected.slice.id]);
    for (const format of LABEL_EXPORT_FORMATS) {
      const o = join(dir, `all-${format}`);
      const e = await exportSlice(repo, { slice: selected.slice.id, format, out: o });
      expect(e.labels).toBe(want.length);
      expect(existsSync(o)).toBe(true);
    }
  });

  it('exports a saved slice as the labels its filter matched at its commit', async () => {
    const saved = await saveSlice(repo, {
      name: 'cars',
      dataset: selectedCommit,
      where: 'class = car',
    });
    const out = join(dir, 'cars.jsonl');
    await exportSlice(repo, { slice: saved.id, format: 'jsonl', out });
    const want = await labelsAt(selectedCommit, (l) => l['category'] === 'car');
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toEqual(want);
    expect(want.length).toBe(saved.exampleCount);
  });

  it("starts a labeling branch at the slice's commit; an unknown slice writes nothing", async () => {
    const r = await branchSlice(repo, 'hard5', 'relabel-7');
    expect(r.target).toBe(selectedCommit);
    expect((await snapshotAtRef(repo, 'relabel-7')).commit).toBe(selectedCommit);
    const out = join(dir, 'never.jsonl');
    await expect(
      exportSlice(repo, { slice: 'nope00', format: 'jsonl', out }),
    ).rejects.toBeInstanceOf(LineageRecordNotFoundError);
    await expect(branchSlice(repo, 'nope00', 'never')).rejects.toBeInstanceOf(
      LineageRecordNotFoundError,
    );
    expect(existsSync(out)).toBe(false);
    await expect(snapshotAtRef(repo, 'never')).rejects.toThrow(/never/);
  });
});
