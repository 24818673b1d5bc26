/**
 * Lineage commands (layer: cli): `run start|finish|add-vectors`, `slice save`, `model register`,
 * `predict record`, `lineage up|down`, `explain`, `suspects` (docs/formats.md, "Lineage and explain"), as
 * command-table entries.
 */
import type { Command } from 'commander';
import {
  choiceOption,
  EXPORT_FORMAT_CHOICES,
  jsonText,
  keyValuePairs,
  positiveInteger,
  RUN_STATUS_CHOICES,
  VECTOR_KIND_CHOICES,
} from '../arg-parsers.js';
import {
  defineCommand,
  registerCommand,
  registerTable,
  type AnyCliCommand,
  type CommandInput,
} from '../command-table.js';
import type { CliContext } from '../context.js';
import { capped, downLines, num, TEXT_LIST_LIMIT, upLines } from '../lineage-render.js';
import { UsageError } from '../usage-error.js';
import { modelListCommand, predictListCommand, runListCommand } from './lineage-list-commands.js';
import {
  predictImportCommand,
  predictSetsCommand,
  predictShowCommand,
  selectCommand,
  predictDisagreementsCommand,
  predictPromoteCommand,
} from './prediction-commands.js';
import { sliceBranchCommand, sliceExportCommand, sliceShowCommand } from './slice-commands.js';
import { suspectsCommand } from './suspects-command.js';

const modelRegister = defineCommand({
  name: 'register',
  description: 'record a model produced by a run',
  spec: (cmd) =>
    cmd
      .requiredOption('--run <run>', 'the run that produced it')
      .requiredOption('--name <name>', 'model name')
      .requiredOption('--version <version>', 'model version (unique with the name)')
      .option('--metrics <file>', 'a JSON object of metrics')
      .option('--metric <k=v>', 'one metric (repeatable)', keyValuePairs),
  repository: true,
  async run(repo, { opts }: CommandInput<ModelOpts>) {
    const { registerModel } = await import('../../api/lineage/index.js');
    return registerModel(repo, { ...opts, metricsFile: opts.metrics, metrics: opts.metric });
  },
  render: (m) => [m.id],
});

const predictRecord = defineCommand({
  name: 'record',
  description: 'record one prediction, or a JSONL batch with --file',
  spec: (cmd) =>
    cmd
      .requiredOption('--model <model>', 'model id or NAME@VERSION')
      .option('--image <image>', 'the image predicted on')
      .option('--output <json>', "the model's output, JSON", jsonText)
      .option('--id <id>', "the serving system's prediction id")
      .option('--vector <file>', 'the prediction vector, a JSON array of numbers')
      .option('--file <file>', 'JSONL: {"id"?, "image", "output", "time"?, "vector"?} per line'),
  check: ({ opts }: CommandInput<PredictOpts>) => {
    if (opts.file === undefined) single(opts);
  },
  repository: true,
  async run(repo, { opts }: CommandInput<PredictOpts>) {
    const api = await import('../../api/lineage/index.js');
    return opts.file !== undefined
      ? api.recordPredictionFile(repo, opts.model, opts.file)
      : api.recordPrediction(repo, opts.model, single(opts));
  },
  render: (r) => r.predictions,
});

const lineageUp = defineCommand({
  name: 'up <id>',
  description:
    'prediction (or IMAGE/LABEL a model proposed) -> model -> run -> commit -> labels -> reviewers',
  spec: (cmd) =>
    cmd
      .option('--all', 'list annotators and reviewers of any example set (reads every example)')
      .option('--at <ref>', 'where an IMAGE/LABEL id is read (default main)'),
  json: 'machine-readable output (every name)',
  repository: true,
  async run(repo, { args, opts }: CommandInput<{ all?: boolean; at?: string }>) {
    const { lineageUp } = await import('../../api/lineage/index.js');
    return lineageUp(repo, args[0] as string, {
      all: opts.all === true,
      ...(opts.at !== undefined ? { at: opts.at } : {}),
    });
  },
  render: (r, { opts }) => upLines(r, opts.all === true),
});

const lineageDown = defineCommand({
  name: 'down <id>',
  description: 'commit or IMAGE/LABEL -> runs -> models -> predictions',
  spec: (cmd) => cmd.option('--limit <n>', 'predictions listed per model', positiveInteger, 10),
  repository: true,
  async run(repo, { args, opts }: CommandInput<{ limit: number }>) {
    const { lineageDown } = await import('../../api/lineage/index.js');
    return lineageDown(repo, args[0] as string, opts.limit);
  },
  render: (r) => downLines(r),
});

const explain = defineCommand({
  name: 'explain <prediction>',
  description: 'the training examples with the highest influence on a prediction',
  spec: (cmd) => cmd.option('--top <k>', 'how many examples', positiveInteger, 50),
  repository: true,
  async run(repo, { args, opts }: CommandInput<{ top: number }>) {
    const { explainPrediction } = await import('../../api/lineage/index.js');
    return explainPrediction(repo, args[0] as string, opts.top);
  },
  render: (r) => [
    ...r.examples.map(
      (e) =>
        `${e.rank}\t${e.score.toPrecision(6)}\t${e.image}/${e.label}\t${str(e.annotator)}\t${str(e.annotated_at)}\t${str(e.reviewer)}\t${str(e.reviewed_at)}`,
    ),
    ...(r.unscored.length > 0
      ? [
          `unscored: ${num(r.unscored.length)} of ${num(r.scored + r.unscored.length)} examples have no vector and were not ranked: ${capped(r.unscored, TEXT_LIST_LIMIT, 'use --json')}`,
        ]
      : []),
  ],
});

const sliceSave = defineCommand({
  name: 'save <name>',
  description: 'save the labels of REF matching --where; prints the slice id (its content hash)',
  spec: (cmd) =>
    cmd
      .requiredOption('--dataset <ref>', 'the dataset ref (branch, tag, commit)')
      .option('--where <expr>', 'the labels matching this filter')
      .option('--schema <version>', 'read the labels as this schema version'),
  repository: true,
  async run(repo, { args, opts }: CommandInput<SliceOpts>) {
    const { saveSlice, sliceRecordJson } = await import('../../api/lineage/index.js');
    return sliceRecordJson(await saveSlice(repo, { name: args[0] as string, ...opts }));
  },
  render: (r) => [r.id],
});

const runStart = defineCommand({
  name: 'start',
  description: 'record a training run on a dataset selection; prints the run id',
  spec: (cmd) =>
    cmd
      .option('--dataset <ref>', 'the dataset ref (branch, tag, commit)')
      .option(
        '--slice <slice>',
        "train on a slice's labels (at --dataset, default the slice's commit)",
      )
      .option('--where <expr>', 'train on the labels matching this filter')
      .option('--schema <version>', 'read the labels as this schema version')
      .option('--param <k=v>', 'a training parameter (repeatable)', keyValuePairs)
      .addOption(
        choiceOption(
          '--export <format>',
          'also export the example set in this format',
          EXPORT_FORMAT_CHOICES,
        ),
      )
      .option('--out <path>', 'where --export writes'),
  check: ({ opts }: CommandInput<RunStartOpts>) => {
    if ((opts.export === undefined) !== (opts.out === undefined))
      throw new UsageError('run start: give --export FORMAT and --out PATH together');
    if (opts.dataset === undefined && opts.slice === undefined)
      throw new UsageError('run start: give --dataset REF, --slice S, or both');
  },
  repository: true,
  async run(repo, { opts }: CommandInput<RunStartOpts>) {
    const { startRun } = await import('../../api/lineage/index.js');
    return startRun(repo, {
      dataset: opts.dataset,
      slice: opts.slice,
      where: opts.where,
      schema: opts.schema,
      params: opts.param,
      ...(opts.export !== undefined ? { export: { format: opts.export, out: opts.out! } } : {}),
    });
  },
  render: (r) => [r.run.id],
});

const runFinish = defineCommand({
  name: 'finish <run>',
  description: 'mark a run finished',
  spec: (cmd) =>
    cmd.addOption(
      choiceOption('--status <status>', 'how the run ended', RUN_STATUS_CHOICES).default('ok'),
    ),
  repository: true,
  async run(repo, { args, opts }: CommandInput<{ status: string }>) {
    const { finishRun } = await import('../../api/lineage/index.js');
    return finishRun(repo, args[0] as string, opts.status);
  },
  render: (r) => [`${r.id} ${r.status} ${r.finishedAt}`],
});

const runAddVectors = defineCommand({
  name: 'add-vectors <run> <file>',
  description: 'attach one vector per training example (binary VVEC or JSONL)',
  spec: (cmd) =>
    cmd.addOption(
      choiceOption(
        '--kind <kind>',
        'gradient (dot product) or embedding (cosine)',
        VECTOR_KIND_CHOICES,
      ),
    ),
  repository: true,
  async run(repo, { args, opts }: CommandInput<{ kind?: string }>) {
    const { addRunVectors } = await import('../../api/lineage/index.js');
    const r = await addRunVectors(repo, args[0] as string, args[1] as string, opts.kind);
    const { examples, unscored } = r;
    return { run: r.run.id, ...r.vectors, examples, unscored };
  },
  render: (v) => [
    `${num(v.count)} vectors of dimension ${v.dim} (${v.kind}) for ${num(v.count)} of ${num(v.examples)} examples`,
    ...(v.unscored > 0
      ? [
          `${num(v.unscored)} examples have no vector: explain cannot score them and lists them as unscored`,
        ]
      : []),
  ],
});

export const RUN_COMMANDS: readonly AnyCliCommand[] = [
  runListCommand,
  runStart,
  runFinish,
  runAddVectors,
];

export function registerLineageCommands(program: Command, ctx: CliContext): void {
  const run = program.command('run').description('training runs');
  registerTable(run, ctx, RUN_COMMANDS);
  const slice = program.command('slice').description('saved, content-hashed selections');
  registerCommand(slice, ctx, sliceSave);
  registerTable(slice, ctx, [sliceShowCommand, sliceExportCommand, sliceBranchCommand]);
  const model = program.command('model').description('models produced by training runs');
  registerCommand(model, ctx, modelRegister);
  const predict = program.command('predict').description('predictions of registered models');
  registerCommand(predict, ctx, predictRecord);
  registerCommand(model, ctx, modelListCommand);
  registerCommand(predict, ctx, predictListCommand);
  registerTable(predict, ctx, [predictImportCommand, predictSetsCommand, predictShowCommand]);
  registerCommand(predict, ctx, predictDisagreementsCommand);
  registerCommand(predict, ctx, predictPromoteCommand);
  registerCommand(program, ctx, selectCommand);
  const lineage = program.command('lineage').description('walk lineage records');
  registerTable(lineage, ctx, [lineageUp, lineageDown]);
  registerCommand(program, ctx, explain);
  registerCommand(program, ctx, suspectsCommand);
}

interface RunStartOpts {
  dataset?: string;
  slice?: string;
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

function str(v: unknown): string {
  return v === null || v === undefined ? '-' : String(v);
}
