/**
 * `npm run bench -- predictions [--predictions 100000] [--per-image 10] [--runs 3]` (layer:
 * bench): prediction sets (issue 17) at scale, in-process through the API.
 *
 * A fresh repository gets one label per image (`--predictions / --per-image` images), two
 * registered models, and a native-JSONL file of `--predictions` predictions (seeded scores and
 * per-class `scores`) for the first; the second model's file re-predicts one contiguous tenth
 * of the images (10% of the predictions).
 * Measured: the ingest rate of `predict import` (target >= 200k predictions/s, issue 17), the
 * bytes the second set stores beyond the first (nodes not shared), `select --strategy margin
 * --top 500` (median of `--runs`; target <= 2 s), and that the labels root and the labels
 * tree's chunk bytes are unchanged by both imports (the run fails if not). Each image's label
 * (approved) has the box of its first prediction, so every label is matched: `predict
 * disagreements` (min score 0.5; target <= 5 s), `select --strategy disagreement --top 500` and
 * `count --where 'pred(det@1).class != class'` (the filter's join of labels and predictions by
 * image) are measured on it too (medians of `--runs`).
 * Prints the table and writes `bench-results/predictions.json`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashToHex, hexToHash } from '../src/core/hash.js';
import { importLabels } from '../src/api/ingest/import-labels.js';
import { importPredictions } from '../src/api/lineage/predict-import.js';
import { registerModel } from '../src/api/lineage/model-register.js';
import { startRun } from '../src/api/lineage/run-start.js';
import { selectImages } from '../src/api/lineage/select.js';
import { listDisagreements } from '../src/api/lineage/predict-disagreements.js';
import { countLabels } from '../src/api/read/count.js';
import { openRepository } from '../src/api/repository/compose.js';
import { initRepository } from '../src/api/repository/init-repository.js';
import type { Repository } from '../src/api/repository/repository.js';
import { snapshotAtRef } from '../src/api/repository/snapshot-at.js';
import { median, timeMs } from './measure.js';
import { Rng } from './rng.js';
import { benchLog, fmtNumber, renderTable, type TableRow } from './table.js';

const { values } = parseArgs({
  options: {
    predictions: { type: 'string', default: '100000' },
    'per-image': { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const PREDICTIONS = Number(values.predictions);
const PER_IMAGE = Number(values['per-image']);
const IMAGES = Math.ceil(PREDICTIONS / PER_IMAGE);
const RUNS = Number(values.runs);
const CLASSES = ['person', 'car', 'dog', 'cat', 'bus'];
const log = benchLog('predictions');

const imageId = (i: number) => `img-${String(i).padStart(8, '0')}`;

/** The box of prediction `i` (the i-th line); an image's label has its first prediction's box. */
const boxOf = (i: number) => [i % 500, (i * 7) % 400, 20 + (i % 50), 30 + (i % 40)];

/** `changed`: re-predict one contiguous tenth of the images (the 4th), as a model update might. */
function predictionLines(rng: Rng, changed: boolean): string {
  const lines: string[] = [];
  for (let i = 0; i < PREDICTIONS; i++) {
    const raw = CLASSES.map(() => rng.float() + 1e-3);
    if (changed && Math.floor((10 * i) / PREDICTIONS) === 3) raw[0]! *= 3;
    const sum = raw.reduce((a, b) => a + b, 0);
    const scores = Object.fromEntries(
      CLASSES.map((c, k) => [c, Math.round((raw[k]! / sum) * 1e4) / 1e4]),
    );
    const top = Math.max(...Object.values(scores));
    const category = CLASSES[Object.values(scores).indexOf(top)]!;
    const image = imageId(Math.floor(i / PER_IMAGE));
    const bbox = boxOf(i);
    lines.push(
      JSON.stringify({
        image,
        prediction: String(i % PER_IMAGE),
        category,
        bbox,
        score: top,
        scores,
      }),
    );
  }
  return lines.join('\n') + '\n';
}

async function treeBytes(repo: Repository, root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const walk = async (hash: Uint8Array): Promise<void> => {
    const hex = hashToHex(hash);
    if (out.has(hex)) return;
    const node = await repo.nodes.load(hash);
    out.set(hex, node.size);
    if (node.level > 0) for (const child of node.values) await walk(child);
  };
  await walk(hexToHash(root as never));
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'verso-bench-predictions-'));
try {
  await initRepository(join(work, 'repo'));
  const repo = await openRepository(join(work, 'repo'));
  const labels = join(work, 'labels.jsonl');
  writeFileSync(
    labels,
    Array.from({ length: IMAGES }, (_, i) =>
      JSON.stringify({
        image: imageId(i),
        label: '0',
        category: CLASSES[i % CLASSES.length],
        bbox: boxOf(i * PER_IMAGE),
        review: { status: 'approved', reviewer: `rev${i % 3}` },
      }),
    ).join('\n') + '\n',
  );
  log(`importing ${IMAGES} labels`);
  await importLabels(repo, { file: labels, branch: 'main' });
  const before = await snapshotAtRef(repo, 'main');
  const labelNodes = await treeBytes(repo, before.snap.trees.labels);
  const { run } = await startRun(repo, { dataset: 'main' });
  await registerModel(repo, { run: run.id, name: 'det', version: '1' });
  await registerModel(repo, { run: run.id, name: 'det', version: '2' });
  const rng1 = new Rng(Number(values.seed));
  const f1 = join(work, 'v1.jsonl');
  writeFileSync(f1, predictionLines(rng1, false));
  const f2 = join(work, 'v2.jsonl');
  writeFileSync(f2, predictionLines(new Rng(Number(values.seed)), true));
  log(`importing ${PREDICTIONS} predictions (model det@1)`);
  const a = await timeMs(() =>
    importPredictions(repo, { model: 'det@1', dataset: 'main', format: 'jsonl', path: f1 }),
  );
  log(`importing the second set (10% changed, model det@2)`);
  const b = await timeMs(() =>
    importPredictions(repo, { model: 'det@2', dataset: 'main', format: 'jsonl', path: f2 }),
  );
  const [na, nb] = [
    await treeBytes(repo, a.value.set.root),
    await treeBytes(repo, b.value.set.root),
  ];
  const totalB = [...nb.values()].reduce((x, y) => x + y, 0);
  const extraB = [...nb.entries()].filter(([h]) => !na.has(h)).reduce((x, [, s]) => x + s, 0);
  const medianMs = async (fn: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) ms.push((await timeMs(fn)).ms);
    return median(ms);
  };
  log('predict disagreements, select --strategy disagreement, count --where pred(det@1)');
  let disagreements = 0;
  const disagreeMs = await medianMs(async () => {
    const r = await listDisagreements(repo, { dataset: 'main', predictions: 'det@1' });
    disagreements = r.disagreements.length;
  });
  const selectDisagreeMs = await medianMs(() =>
    selectImages(repo, {
      dataset: 'main',
      predictions: 'det@1',
      strategy: 'disagreement',
      top: 500,
    }),
  );
  let counted = 0;
  const countMs = await medianMs(async () => {
    counted = (await countLabels(repo, 'main', 'pred(det@1).class != class')).labels;
  });
  const select: number[] = [];
  for (let i = 0; i < RUNS; i++)
    select.push(
      (
        await timeMs(() =>
          selectImages(repo, {
            dataset: 'main',
            predictions: 'det@1',
            strategy: 'margin',
            top: 500,
          }),
        )
      ).ms,
    );
  const after = await snapshotAtRef(repo, 'main');
  const labelNodesAfter = await treeBytes(repo, after.snap.trees.labels);
  const labelsUnchanged =
    after.snap.trees.labels === before.snap.trees.labels &&
    JSON.stringify([...labelNodesAfter]) === JSON.stringify([...labelNodes]);
  await repo.close();
  if (!labelsUnchanged) throw new Error('importing predictions changed the labels tree');
  const rate = PREDICTIONS / (a.ms / 1000);
  const rows: TableRow[] = [
    {
      operation: `predict import, ${fmtNumber(PREDICTIONS, 0)} predictions (JSONL, --dataset)`,
      measured: `${fmtNumber(a.ms, 0)} ms, ${fmtNumber(rate, 0)} /s`,
      target: '>= 200,000 /s',
      ok: rate >= 200_000,
    },
    {
      operation: `second set (10% changed): stored beyond the first`,
      measured: `${fmtNumber(extraB / 1024, 0)} KiB of ${fmtNumber(totalB / 1024, 0)} KiB (${fmtNumber((100 * extraB) / totalB, 1)}%)`,
      target: '',
      ok: null,
    },
    {
      operation: `select --strategy margin --top 500 (median of ${RUNS})`,
      measured: `${fmtNumber(median(select), 0)} ms`,
      target: '<= 2000 ms',
      ok: median(select) <= 2000,
    },
    {
      operation: `predict disagreements --min-score 0.5 (${fmtNumber(disagreements, 0)} found, median of ${RUNS})`,
      measured: `${fmtNumber(disagreeMs, 0)} ms`,
      target: '<= 5000 ms',
      ok: disagreeMs <= 5000,
    },
    {
      operation: `select --strategy disagreement --top 500 (median of ${RUNS})`,
      measured: `${fmtNumber(selectDisagreeMs, 0)} ms`,
      target: '',
      ok: null,
    },
    {
      operation: `count --where 'pred(det@1).class != class' (${fmtNumber(counted, 0)}, median of ${RUNS})`,
      measured: `${fmtNumber(countMs, 0)} ms`,
      target: '',
      ok: null,
    },
    {
      operation: 'labels root and label chunk bytes after both imports',
      measured: labelsUnchanged ? 'unchanged' : 'CHANGED',
      target: 'unchanged',
      ok: labelsUnchanged,
    },
  ];
  const title = `Verso predictions benchmark: ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`;
  process.stdout.write(renderTable(title, rows));
  mkdirSync(values.out, { recursive: true });
  writeFileSync(
    join(values.out, 'predictions.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        predictions: PREDICTIONS,
        importMs: a.ms,
        secondImportMs: b.ms,
        extraBytes: extraB,
        secondSetBytes: totalB,
        selectMs: select,
        disagreementsMs: disagreeMs,
        disagreements,
        selectDisagreementMs: selectDisagreeMs,
        predFilterCountMs: countMs,
        predFilterCount: counted,
        labelsUnchanged,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
