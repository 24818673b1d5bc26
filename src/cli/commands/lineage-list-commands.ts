/**
 * Lineage list commands (layer: cli): `run list`, `model list [--run R]`, `predict list
 * [--model M]`, as command-table entries. Lists are records: `--json` prints JSON Lines, one
 * object per line with snake_case field names (the prediction list is streamed, so a million
 * predictions never sit in memory).
 */
import type { ModelRecord, RunRecord } from '../../catalog/catalog.js';
import type { PredictionSummary } from '../../api/lineage/index.js';
import { defineCommand, Records, type CommandInput } from '../command-table.js';

export const runListCommand = defineCommand({
  name: 'list',
  description: 'every training run, oldest first',
  json: 'one JSON object per run',
  repository: true,
  async run(repo) {
    const { listRuns } = await import('../../api/lineage/index.js');
    return new Records((await listRuns(repo)).map(runJson));
  },
  render: (runs) => orNone(runs.map(runLine), 'no runs'),
});

export const modelListCommand = defineCommand({
  name: 'list',
  description: 'every registered model (of one run with --run), oldest first',
  spec: (cmd) => cmd.option('--run <run>', 'only the models of this run'),
  json: 'one JSON object per model',
  repository: true,
  async run(repo, { opts }: CommandInput<{ run?: string }>) {
    const { listModels } = await import('../../api/lineage/index.js');
    return new Records((await listModels(repo, opts.run)).map(modelJson));
  },
  render: (models) => orNone(models.map(modelLine), 'no models'),
});

export const predictListCommand = defineCommand({
  name: 'list',
  description: 'every recorded prediction (of one model with --model), by id',
  spec: (cmd) =>
    cmd.option('--model <model>', 'only the predictions of this model (id or NAME@VERSION)'),
  json: 'one JSON object per prediction (without vector bytes)',
  repository: true,
  async run(repo, { opts }: CommandInput<{ model?: string }>) {
    const { listPredictions } = await import('../../api/lineage/index.js');
    const predictions = await listPredictions(repo, opts.model);
    return new Records(
      (async function* () {
        for await (const p of predictions) yield predictionJson(p);
      })(),
    );
  },
  render: (predictions) =>
    orNone(
      predictions.map((p) => {
        const ext = p.external_id === null ? '' : ` (serving id ${p.external_id})`;
        return `${p.id} model ${p.model} image ${p.image} at ${p.time}${ext}: ${JSON.stringify(p.output)}`;
      }),
      'no predictions',
    ),
});

/** The lines, or `none` when there are none. */
async function* orNone(lines: AsyncIterable<string>, none: string): AsyncGenerator<string> {
  let any = false;
  for await (const l of lines) {
    any = true;
    yield l;
  }
  if (!any) yield none;
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

function runLine(r: ReturnType<typeof runJson>): string {
  const vectors = r.vectors
    ? `${r.vectors.count} ${r.vectors.kind} vectors of dimension ${r.vectors.dim}`
    : 'no vectors';
  const where = r.filter === null ? '' : ` where ${r.filter}`;
  return `${r.id} ${r.status.padEnd(7)} ${r.dataset_ref} @ ${r.commit.slice(0, 12)}${where}: ${r.example_count} examples, ${vectors}; started ${r.started_at} by ${r.author}`;
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

function modelLine(m: ReturnType<typeof modelJson>): string {
  return `${m.id} ${m.name}@${m.version} run ${m.run} ${JSON.stringify(m.metrics)} at ${m.created_at}`;
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
