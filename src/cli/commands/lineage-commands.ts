/**
 * Lineage commands (layer: cli): `run start|finish|add-vectors`, `slice save`, `model register`,
 * `predict record`, `lineage up|down`, `explain` (docs/formats.md, "Lineage and explain").
 */
import type { Command } from 'commander';
import type { LineageUp } from '../../api/lineage/index.js';
import { withRepository } from '../context.js';
import { positiveInteger } from '../arg-parsers.js';
import {
  registerModelListCommand,
  registerPredictListCommand,
  registerRunListCommand,
} from './lineage-list-commands.js';
import { printJson, printLines } from '../output.js';
import { UsageError } from '../usage-error.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function registerLineageCommands(program: Command): void {
  registerRunCommands(program);
  registerSliceCommands(program);
  const model = program.command('model').description('models produced by training runs');
  model
    .command('register')
    .description('record a model produced by a run')
    .requiredOption('--run <run>', 'the run that produced it')
    .requiredOption('--name <name>', 'model name')
    .requiredOption('--version <version>', 'model version (unique with the name)')
    .option('--metrics <file>', 'a JSON object of metrics')
    .option('--metric <k=v>', 'one metric (repeatable)', collect)
    .option('--json', 'machine-readable output')
    .action(async (opts: ModelOpts, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { registerModel } = await import('../../api/lineage/index.js');
        const m = await registerModel(repo, {
          ...opts,
          metricsFile: opts.metrics,
          metrics: opts.metric,
        });
        return opts.json ? printJson(m) : printLines([m.id]);
      }),
    );
  const predict = program.command('predict').description('predictions of registered models');
  predict
    .command('record')
    .description('record one prediction, or a JSONL batch with --file')
    .requiredOption('--model <model>', 'model id or NAME@VERSION')
    .option('--image <image>', 'the image predicted on')
    .option('--output <json>', "the model's output, JSON")
    .option('--id <id>', "the serving system's prediction id")
    .option('--vector <file>', 'the prediction vector, a JSON array of numbers')
    .option('--file <file>', 'JSONL: {"id"?, "image", "output", "time"?, "vector"?} per line')
    .option('--json', 'machine-readable output')
    .action(async (opts: PredictOpts, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const api = await import('../../api/lineage/index.js');
        const r =
          opts.file !== undefined
            ? await api.recordPredictionFile(repo, opts.model, opts.file)
            : await api.recordPrediction(repo, opts.model, single(opts));
        return opts.json ? printJson(r) : printLines(r.predictions);
      }),
    );
  registerModelListCommand(model);
  registerPredictListCommand(predict);
  const lineage = program.command('lineage').description('walk lineage records');
  lineage
    .command('up <id>')
    .description('prediction -> model -> run -> commit -> labels -> reviewers')
    .option('--all', 'list annotators and reviewers of any example set (reads every example)')
    .option('--json', 'machine-readable output (every name)')
    .action(async (id: string, opts: { json?: boolean; all?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { lineageUp } = await import('../../api/lineage/index.js');
        const r = await lineageUp(repo, id, { all: opts.all === true });
        if (opts.json) return printJson(r);
        return printLines(upLines(r, opts.all === true));
      }),
    );
  lineage
    .command('down <id>')
    .description('commit or IMAGE/LABEL -> runs -> models -> predictions')
    .option('--limit <n>', 'predictions listed per model', positiveInteger, 10)
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean; limit: number }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { lineageDown } = await import('../../api/lineage/index.js');
        const r = await lineageDown(repo, id, opts.limit);
        if (opts.json) return printJson(r);
        const slices = (r.slices ?? []).map(
          (x) => `slice ${x.id} ${x.name} (${num(x.exampleCount)} examples)`,
        );
        const lines = r.runs.flatMap((run) => [
          `run ${run.id} (${run.datasetRef} @ ${run.commit.slice(0, 12)}, ${num(run.exampleCount)} examples)`,
          ...run.models.flatMap((m) => [
            `  model ${m.id} ${m.name}@${m.version}: ${num(m.predictions.total)} predictions`,
            ...m.predictions.first.map(
              (p) => `    prediction ${p.id} image ${p.image} at ${p.time}`,
            ),
            ...(m.predictions.total > m.predictions.first.length
              ? [
                  `    … and ${num(m.predictions.total - m.predictions.first.length)} more; use --limit N, or verso predict list --model ${m.id}`,
                ]
              : []),
          ]),
        ]);
        return printLines([...slices, ...(r.runs.length > 0 ? lines : ['no runs'])]);
      }),
    );
  program
    .command('explain <prediction>')
    .description('the training examples with the highest influence on a prediction')
    .option('--top <k>', 'how many examples', positiveInteger, 50)
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean; top: number }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { explainPrediction } = await import('../../api/lineage/index.js');
        const r = await explainPrediction(repo, id, opts.top);
        if (opts.json) return printJson(r);
        return printLines([
          ...r.examples.map(
            (e) =>
              `${e.rank}\t${e.score.toPrecision(6)}\t${e.image}/${e.label}\t${str(e.annotator)}\t${str(e.annotated_at)}\t${str(e.reviewer)}\t${str(e.reviewed_at)}`,
          ),
          ...(r.unscored.length > 0
            ? [
                `unscored: ${num(r.unscored.length)} of ${num(r.scored + r.unscored.length)} examples have no vector and were not ranked: ${capped(r.unscored, TEXT_LIST_LIMIT, 'use --json')}`,
              ]
            : []),
        ]);
      }),
    );
}

function registerSliceCommands(program: Command): void {
  program
    .command('slice')
    .description('saved, content-hashed selections')
    .command('save <name>')
    .description('save the labels of REF matching --where; prints the slice id (its content hash)')
    .requiredOption('--dataset <ref>', 'the dataset ref (branch, tag, commit)')
    .option('--where <expr>', 'the labels matching this filter')
    .option('--schema <version>', 'read the labels as this schema version')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: SliceOpts, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { saveSlice } = await import('../../api/lineage/index.js');
        const r = await saveSlice(repo, { name, ...opts });
        return opts.json ? printJson(r) : printLines([r.id]);
      }),
    );
}

function registerRunCommands(program: Command): void {
  const run = program.command('run').description('training runs');
  registerRunListCommand(run);
  run
    .command('start')
    .description('record a training run on a dataset selection; prints the run id')
    .requiredOption('--dataset <ref>', 'the dataset ref (branch, tag, commit)')
    .option('--where <expr>', 'train on the labels matching this filter')
    .option('--schema <version>', 'read the labels as this schema version')
    .option('--param <k=v>', 'a training parameter (repeatable)', collect)
    .option('--export <format>', 'also export the example set in this format')
    .option('--out <path>', 'where --export writes')
    .option('--json', 'machine-readable output')
    .action(async (opts: RunStartOpts, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { startRun } = await import('../../api/lineage/index.js');
        if ((opts.export === undefined) !== (opts.out === undefined))
          throw new UsageError('run start: give --export FORMAT and --out PATH together');
        const r = await startRun(repo, {
          dataset: opts.dataset,
          where: opts.where,
          schema: opts.schema,
          params: opts.param,
          ...(opts.export !== undefined ? { export: { format: opts.export, out: opts.out! } } : {}),
        });
        return opts.json ? printJson(r) : printLines([r.run.id]);
      }),
    );
  run
    .command('finish <run>')
    .description('mark a run finished')
    .option('--status <status>', 'ok or failed', 'ok')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { status: string; json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { finishRun } = await import('../../api/lineage/index.js');
        const r = await finishRun(repo, id, opts.status);
        return opts.json ? printJson(r) : printLines([`${r.id} ${r.status} ${r.finishedAt}`]);
      }),
    );
  run
    .command('add-vectors <run> <file>')
    .description('attach one vector per training example (binary VVEC or JSONL)')
    .option('--kind <kind>', 'gradient (dot product) or embedding (cosine)')
    .option('--json', 'machine-readable output')
    .action(
      async (id: string, file: string, opts: { kind?: string; json?: boolean }, cmd: Command) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { addRunVectors } = await import('../../api/lineage/index.js');
          const r = await addRunVectors(repo, id, file, opts.kind);
          const { examples, unscored } = r;
          if (opts.json) return printJson({ run: r.run.id, ...r.vectors, examples, unscored });
          const v = r.vectors;
          return printLines([
            `${num(v.count)} vectors of dimension ${v.dim} (${v.kind}) for ${num(v.count)} of ${num(examples)} examples`,
            ...(unscored > 0
              ? [
                  `${num(unscored)} examples have no vector: explain cannot score them and lists them as unscored`,
                ]
              : []),
          ]);
        }),
    );
}

interface RunStartOpts {
  dataset: string;
  where?: string;
  schema?: string;
  param?: string[];
  export?: string;
  out?: string;
  json?: boolean;
}
interface SliceOpts {
  dataset: string;
  where?: string;
  schema?: string;
  json?: boolean;
}
interface ModelOpts {
  run: string;
  name: string;
  version: string;
  metrics?: string;
  metric?: string[];
  json?: boolean;
}
interface PredictOpts {
  model: string;
  image?: string;
  output?: string;
  id?: string;
  vector?: string;
  file?: string;
  json?: boolean;
}

function single(opts: PredictOpts) {
  if (opts.image === undefined || opts.output === undefined)
    throw new UsageError('predict record: give --image and --output, or --file');
  return { image: opts.image, output: opts.output, externalId: opts.id, vectorFile: opts.vector };
}

function upLines(r: LineageUp, all: boolean): string[] {
  const lines: string[] = [];
  if (r.prediction)
    lines.push(`prediction ${r.prediction.id} image ${r.prediction.image} at ${r.prediction.time}`);
  if (r.model) lines.push(`model      ${r.model.id} ${r.model.name}@${r.model.version}`);
  if (r.run)
    lines.push(`run        ${r.run.id} ${r.run.datasetRef} ${r.run.status} by ${r.run.author}`);
  lines.push(`commit     ${r.commit.id} by ${r.commit.author} at ${r.commit.time}`);
  const ex = r.examples;
  if (ex) {
    lines.push(`examples   ${num(ex.count)} (set ${ex.root.slice(0, 12)})`);
    if (ex.people === 'over_limit') {
      const why = `not listed: the set has ${num(ex.count)} examples, over the ${num(ex.scan_limit)} read by default; use --all to read them all`;
      lines.push(`annotators ${why}`, `reviewers  ${why}`);
    } else {
      const limit = all ? Infinity : TEXT_LIST_LIMIT;
      lines.push(`annotators ${capped(ex.annotators ?? [], limit, 'use --all or --json')}`);
      lines.push(`reviewers  ${capped(ex.reviewers ?? [], limit, 'use --all or --json')}`);
    }
  }
  return lines;
}

/** How many names or ids a text line lists before it says how many more there are. */
const TEXT_LIST_LIMIT = 10;

/** `a, b, c` or `a, b, … and 12,345 more; HOW` when there are more than `limit`. */
function capped(items: readonly string[], limit: number, how: string): string {
  if (items.length === 0) return '-';
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')}, … and ${num(items.length - limit)} more; ${how}`;
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function str(v: unknown): string {
  return v === null || v === undefined ? '-' : String(v);
}
