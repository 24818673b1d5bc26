/**
 * Lineage list commands (layer: cli): `run list`, `model list [--run R]`, `predict list
 * [--model M]`, each with `--json` (one JSON array with snake_case field names; the prediction
 * list is streamed element by element, so a million predictions never sit in memory).
 */
import type { Command } from 'commander';
import type { ModelRecord, RunRecord } from '../../catalog/catalog.js';
import type { PredictionSummary } from '../../api/lineage/index.js';
import { withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';

export function registerRunListCommand(run: Command): void {
  run
    .command('list')
    .description('every training run, oldest first')
    .option('--json', 'a JSON array of runs')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { listRuns } = await import('../../api/lineage/index.js');
        const runs = await listRuns(repo);
        if (opts.json) return printJson(runs.map(runJson));
        return printLines(runs.length > 0 ? runs.map(runLine) : ['no runs']);
      }),
    );
}

export function registerModelListCommand(model: Command): void {
  model
    .command('list')
    .description('every registered model (of one run with --run), oldest first')
    .option('--run <run>', 'only the models of this run')
    .option('--json', 'a JSON array of models')
    .action(async (opts: { json?: boolean; run?: string }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { listModels } = await import('../../api/lineage/index.js');
        const models = await listModels(repo, opts.run);
        if (opts.json) return printJson(models.map(modelJson));
        return printLines(models.length > 0 ? models.map(modelLine) : ['no models']);
      }),
    );
}

export function registerPredictListCommand(predict: Command): void {
  predict
    .command('list')
    .description('every recorded prediction (of one model with --model), by id')
    .option('--model <model>', 'only the predictions of this model (id or NAME@VERSION)')
    .option('--json', 'a JSON array of predictions (without vector bytes)')
    .action(async (opts: { json?: boolean; model?: string }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { listPredictions } = await import('../../api/lineage/index.js');
        const predictions = await listPredictions(repo, opts.model);
        if (opts.json) return printLines(jsonArray(predictions, predictionJson));
        return printLines(predictionLines(predictions));
      }),
    );
}

function runJson(r: RunRecord) {
  return {
    id: r.id,
    dataset_ref: r.datasetRef,
    commit: r.commit,
    filter: r.filter,
    schema: r.schema,
    example_set: r.exampleSet,
    example_count: r.exampleCount,
    params: r.params,
    author: r.author,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    status: r.status,
    vectors: r.vectors,
  };
}

function runLine(r: RunRecord): string {
  const vectors = r.vectors
    ? `${r.vectors.count} ${r.vectors.kind} vectors of dimension ${r.vectors.dim}`
    : 'no vectors';
  const where = r.filter === null ? '' : ` where ${r.filter}`;
  return `${r.id} ${r.status.padEnd(7)} ${r.datasetRef} @ ${r.commit.slice(0, 12)}${where}: ${r.exampleCount} examples, ${vectors}; started ${r.startedAt} by ${r.author}`;
}

function modelJson(m: ModelRecord) {
  return {
    id: m.id,
    run: m.run,
    name: m.name,
    version: m.version,
    metrics: m.metrics,
    created_at: m.createdAt,
  };
}

function modelLine(m: ModelRecord): string {
  return `${m.id} ${m.name}@${m.version} run ${m.run} ${JSON.stringify(m.metrics)} at ${m.createdAt}`;
}

function predictionJson(p: PredictionSummary) {
  return {
    id: p.id,
    model: p.model,
    image: p.image,
    output: JSON.parse(p.output) as unknown,
    time: p.time,
    external_id: p.externalId,
    has_vector: p.hasVector,
  };
}

async function* predictionLines(ps: AsyncIterable<PredictionSummary>): AsyncGenerator<string> {
  let any = false;
  for await (const p of ps) {
    any = true;
    const ext = p.externalId === null ? '' : ` (serving id ${p.externalId})`;
    yield `${p.id} model ${p.model} image ${p.image} at ${p.time}${ext}: ${p.output}`;
  }
  if (!any) yield 'no predictions';
}

/** One JSON array, element by element (pretty-printed like `printJson`), one line per yield. */
async function* jsonArray<T>(items: AsyncIterable<T>, toJson: (x: T) => unknown) {
  let held: string | undefined;
  for await (const x of items) {
    if (held === undefined) yield '[';
    else yield `${held},`;
    held = `  ${JSON.stringify(toJson(x), null, 2).replace(/\n/g, '\n  ')}`;
  }
  if (held === undefined) yield '[]';
  else yield `${held}\n]`;
}
