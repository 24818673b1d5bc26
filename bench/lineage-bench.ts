/**
 * `npm run bench -- lineage [--examples 1000000] [--dim 128] [--predictions 1000000]` (layer:
 * bench): explain and lineage walks at scale.
 *
 * A generated dataset of `--examples` labels is imported into a fresh repository, a run is
 * started on all of it (its example set has every label), and one random float32 vector of
 * dimension `--dim` per example is attached with `run add-vectors` (the binary file). One model
 * gets `--predictions` predictions inserted in one transaction. Timed in-process through the
 * API (median of `--runs`): `explain --top 50` (gradient / dot product, and embedding / cosine)
 * against target <= 300 ms, and `lineage up` from a prediction against target <= 20 ms. Then
 * checks that explain's top 50 (ranks and scores) equal a plain reference scan of the whole
 * blob (`referenceScore` per row, full sort) and fails the run if not. `suspects --top 50` (and
 * with `--by annotator`) over the gradient run is timed too (no target), its ranking checked
 * against squared norms computed from the whole blob (full sort, ties by key).
 * Prints the table and writes `bench-results/lineage.json`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hexToHash } from '../src/core/hash.js';
import { decodeLabelKey } from '../src/dataset/label-key.js';
import { scanLeaves } from '../src/tree/read.js';
import { explainPrediction } from '../src/api/lineage/explain.js';
import { rankSuspects } from '../src/api/lineage/suspects.js';
import { importLabels } from '../src/api/ingest/import-labels.js';
import { initRepository } from '../src/api/repository/init-repository.js';
import { lineageUp } from '../src/api/lineage/lineage.js';
import { registerModel } from '../src/api/lineage/model-register.js';
import { type Repository } from '../src/api/repository/repository.js';
import { openRepository } from '../src/api/repository/compose.js';
import { startRun } from '../src/api/lineage/run-start.js';
import { addRunVectors } from '../src/api/lineage/run-vectors.js';
import type { PredictionRecord } from '../src/catalog/catalog.js';
import { lineageId } from '../src/influence/lineage-id.js';
import { referenceScore } from '../src/influence/influence.js';
import { decodeVectorFile, encodeVectorFile, vectorKeys } from '../src/influence/vector-file.js';
import { ensureDataset } from './gen-data.js';
import { median, timeMs } from './measure.js';
import { Rng } from './rng.js';
import { fmtNumber, renderTable, type TableRow, benchLog } from './table.js';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '1000000' },
    dim: { type: 'string', default: '128' },
    predictions: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: '.bench-data' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const EXAMPLES = Number(values.examples);
const DIM = Number(values.dim);
const PREDICTIONS = Number(values.predictions);
const RUNS = Number(values.runs);
const seed = Number(values.seed);

const log = benchLog('lineage');

async function exampleKeys(repo: Repository, root: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(root as never))) {
    for (let i = leaf.from; i < leaf.to; i++) {
      const k = decodeLabelKey(leaf.keys[i]!);
      keys.push(`${k.image}/${k.label}`);
    }
  }
  return keys;
}

function randomVector(rng: Rng, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.float() * 2 - 1;
  return v;
}

async function setUp(
  work: string,
  kind: 'gradient' | 'embedding',
  name: string,
  repo: Repository,
  rng: Rng,
) {
  const { run } = await startRun(repo, { dataset: 'main' });
  const keys = await exampleKeys(repo, run.exampleSet);
  const file = join(work, `${kind}.vvec`);
  writeFileSync(file, encodeVectorFile(kind, DIM, keys, randomVector(rng, keys.length * DIM)));
  const attach = await timeMs(() => addRunVectors(repo, run.id, file));
  log(`${kind}: ${keys.length} vectors attached in ${attach.ms.toFixed(0)} ms`);
  const model = await registerModel(repo, { run: run.id, name, version: '1' });
  return { run, model, attachMs: attach.ms };
}

/** The top `k` scores of a run's vectors by a plain scan: `referenceScore` per row, full sort. */
async function referenceTop(repo: Repository, runId: string, query: Float32Array, k: number) {
  const run = await repo.catalog.lineage.getRun(runId);
  const file = decodeVectorFile((await repo.blobs.get(run!.vectors!.blob))!);
  const scores = Float64Array.from({ length: file.count }, (_, row) =>
    referenceScore(file.vectors, row, query, file.kind),
  );
  const rows = Array.from({ length: file.count }, (_, row) => row);
  rows.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return rows.slice(0, k).map((row) => scores[row]!);
}

/** The top `k` (key, squared norm) of run `runId`'s vectors by a plain full sort. */
async function referenceSuspects(repo: Repository, runId: string, k: number): Promise<string[]> {
  const run = await repo.catalog.lineage.getRun(runId);
  const file = decodeVectorFile((await repo.blobs.get(run!.vectors!.blob))!);
  const keys = [...vectorKeys(file)];
  const norms = Float64Array.from({ length: file.count }, (_, row) => {
    let n = 0;
    for (let j = row * file.dim; j < (row + 1) * file.dim; j++) n += file.vectors[j]! ** 2;
    return n;
  });
  const rows = Array.from({ length: file.count }, (_, row) => row);
  rows.sort((a, b) => norms[b]! - norms[a]! || (keys[a]! < keys[b]! ? -1 : 1));
  return rows.slice(0, k).map((row) => `${keys[row]} ${norms[row]}`);
}

const work = mkdtempSync(join(tmpdir(), 'verso-bench-lineage-'));
try {
  const ds = await ensureDataset({
    labels: EXAMPLES,
    seed,
    outDir: resolve(values['data-dir'], `labels-${EXAMPLES}-seed-${seed}`),
    editSizes: [],
  });
  await initRepository(work);
  let repo = await openRepository(work);
  log(`importing ${EXAMPLES} labels`);
  await importLabels(repo, { file: ds.labelsFile, branch: 'main' });
  const rng = new Rng(seed);
  const grad = await setUp(work, 'gradient', 'grad', repo, rng);
  const emb = await setUp(work, 'embedding', 'emb', repo, rng);
  log(`inserting ${PREDICTIONS} predictions`);
  const vector = new Uint8Array(randomVector(rng, DIM).buffer);
  const preds: PredictionRecord[] = [];
  for (let i = 0; i < PREDICTIONS; i++) {
    const model = i % 2 === 0 ? grad.model.id : emb.model.id;
    const time = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    const id = lineageId('pred', [model, `img-${i}`, '{}', time, '', String(i)]);
    preds.push({
      id,
      model,
      image: `img-${i}`,
      output: '{"class":"cat"}',
      time,
      externalId: null,
      vector: i < 4 ? vector : null,
    });
  }
  const insert = await timeMs(() => repo.catalog.lineage.insertPredictions(preds));
  log(`predictions inserted in ${insert.ms.toFixed(0)} ms`);
  await repo.close();
  repo = await openRepository(work); // cold catalog and node caches for the timed part
  const timed = async (fn: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) ms.push((await timeMs(fn)).ms);
    return ms;
  };
  const explainGrad = await timed(() => explainPrediction(repo, preds[0]!.id, 50));
  const explainEmb = await timed(() => explainPrediction(repo, preds[1]!.id, 50));
  const up = await timed(() => lineageUp(repo, preds[PREDICTIONS - 1]!.id));
  for (const [i, run] of [grad.run, emb.run].entries()) {
    const got = (await explainPrediction(repo, preds[i]!.id, 50)).examples.map((e) => e.score);
    const want = await referenceTop(repo, run.id, new Float32Array(vector.slice().buffer), 50);
    if (JSON.stringify(got) !== JSON.stringify(want))
      throw new Error(`explain of ${preds[i]!.id} differs from the reference scan`);
  }
  log('explain results equal the reference scan (scores and order, both kinds)');
  const suspects = await timed(() => rankSuspects(repo, grad.run.id, { top: 50 }));
  const suspectsBy = await timed(() =>
    rankSuspects(repo, grad.run.id, { top: 50, by: 'annotator' }),
  );
  const ranked = (await rankSuspects(repo, grad.run.id, { top: 50 })).examples;
  const want = await referenceSuspects(repo, grad.run.id, 50);
  if (
    JSON.stringify(ranked.map((e) => `${e.image}/${e.label} ${e.self_influence}`)) !==
    JSON.stringify(want)
  )
    throw new Error('suspects differs from the reference sort');
  log('suspects equals the reference sort of squared norms');
  await repo.close();
  const rows: TableRow[] = [
    {
      operation: `run add-vectors, ${fmtNumber(EXAMPLES, 0)} x ${DIM} (gradient)`,
      measured: `${fmtNumber(grad.attachMs, 0)} ms`,
      target: '',
      ok: null,
    },
    {
      operation: `insert ${fmtNumber(PREDICTIONS, 0)} predictions (one transaction)`,
      measured: `${fmtNumber(insert.ms, 0)} ms`,
      target: '',
      ok: null,
    },
    {
      operation: `explain --top 50, ${fmtNumber(EXAMPLES, 0)} x ${DIM}, gradient (median of ${RUNS})`,
      measured: `${fmtNumber(median(explainGrad), 0)} ms`,
      target: '<= 300 ms',
      ok: median(explainGrad) <= 300,
    },
    {
      operation: `explain --top 50, ${fmtNumber(EXAMPLES, 0)} x ${DIM}, embedding (median of ${RUNS})`,
      measured: `${fmtNumber(median(explainEmb), 0)} ms`,
      target: '<= 300 ms',
      ok: median(explainEmb) <= 300,
    },
    {
      operation: `suspects --top 50, ${fmtNumber(EXAMPLES, 0)} x ${DIM} (median of ${RUNS})`,
      measured: `${fmtNumber(median(suspects), 0)} ms`,
      target: '',
      ok: null,
    },
    {
      operation: `suspects --top 50 --by annotator, ${fmtNumber(EXAMPLES, 0)} x ${DIM} (median of ${RUNS})`,
      measured: `${fmtNumber(median(suspectsBy), 0)} ms`,
      target: '',
      ok: null,
    },
    {
      operation: `lineage up from a prediction, ${fmtNumber(PREDICTIONS, 0)} recorded (median of ${RUNS})`,
      measured: `${fmtNumber(median(up), 1)} ms`,
      target: '<= 20 ms',
      ok: median(up) <= 20,
    },
  ];
  const title = `Verso lineage benchmark: ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`;
  process.stdout.write(renderTable(title, rows));
  mkdirSync(values.out, { recursive: true });
  const outFile = join(values.out, 'lineage.json');
  const result = {
    date: new Date().toISOString(),
    examples: EXAMPLES,
    dim: DIM,
    predictions: PREDICTIONS,
    explainGrad,
    explainEmb,
    suspects,
    suspectsBy,
    up,
    rows,
  };
  writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
  log(`wrote ${outFile}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
