/**
 * Prediction-set commands (layer: cli, issue 17): `predict import`, `predict sets`, `predict
 * show` (beside `predict record` and `predict list`, which keep the per-request records) and
 * `select`, the active-learning selection, as command-table entries. docs/formats.md,
 * "Prediction sets", describes the inputs.
 */
import {
  choiceOption,
  positiveInteger,
  probability,
  SELECT_STRATEGY_CHOICES,
} from '../arg-parsers.js';
import { defineCommand, Records, type CommandInput } from '../command-table.js';
import { UsageError } from '../usage-error.js';
import { readFileSync } from 'node:fs';
import { checkInputFile } from '../../io/input-file.js';

interface ImportOpts {
  model: string;
  dataset?: string;
  coco?: string;
  names?: string;
  json?: boolean;
}

export const predictImportCommand = defineCommand({
  name: 'import <path>',
  description:
    "store a model's predictions as a prediction set: JSONL, COCO results (--coco) or a folder of YOLO txt with confidences (--names)",
  spec: (cmd) =>
    cmd
      .requiredOption('--model <model>', 'the registered model (id or NAME@VERSION)')
      .option('--dataset <ref>', 'check images and classes against this ref (YOLO: image sizes)')
      .option('--coco <file>', 'COCO results: the COCO dataset file mapping their ids')
      .option('--names <file>', 'YOLO: the class-names file (line 1 is class 0)'),
  check: ({ opts }: CommandInput<ImportOpts>) => {
    if (opts.coco !== undefined && opts.names !== undefined)
      throw new UsageError(
        'predict import: give --coco (COCO results) or --names (YOLO), not both',
      );
  },
  repository: true,
  async run(repo, { args, opts }: CommandInput<ImportOpts>) {
    const { importPredictions, predictionSetJson } = await import('../../api/lineage/index.js');
    const format = opts.coco !== undefined ? 'coco' : opts.names !== undefined ? 'yolo' : 'jsonl';
    const r = await importPredictions(repo, {
      model: opts.model,
      dataset: opts.dataset,
      format,
      path: args[0] as string,
      cocoFile: opts.coco,
      namesFile: opts.names,
    });
    return { ...predictionSetJson(r.set), created: r.created };
  },
  render: (s) => [
    `${s.created ? 'stored' : 'already stored:'} prediction set ${s.id} (${s.prediction_count} predictions on ${s.image_count} images, root ${s.root.slice(0, 12)})`,
  ],
});

export const predictSetsCommand = defineCommand({
  name: 'sets',
  description: 'every prediction set (of one model with --model), oldest first',
  spec: (cmd) => cmd.option('--model <model>', 'only the sets of this model (id or NAME@VERSION)'),
  json: 'one JSON object per prediction set',
  repository: true,
  async run(repo, { opts }: CommandInput<{ model?: string }>) {
    const { listPredictionSets, predictionSetJson } = await import('../../api/lineage/index.js');
    return new Records((await listPredictionSets(repo, opts.model)).map(predictionSetJson));
  },
  render: (sets) =>
    sets.map(
      (s) =>
        `${s.id} model ${s.model}: ${s.prediction_count} predictions on ${s.image_count} images (${s.format}), ${s.created_at}`,
    ),
});

export const predictShowCommand = defineCommand({
  name: 'show <set>',
  description:
    'a prediction set (id, or a model NAME@VERSION: its newest set): model, counts per class',
  repository: true,
  async run(repo, { args }: CommandInput<object>) {
    const { predictionSetJson, showPredictionSet } = await import('../../api/lineage/index.js');
    const s = await showPredictionSet(repo, args[0] as string);
    return {
      ...predictionSetJson(s.set),
      model_name: `${s.model.name}@${s.model.version}`,
      classes: s.classes.map((c) => ({ ...c })),
    };
  },
  render: (s) => [
    `prediction set ${s.id}`,
    `model       ${s.model_name} (${s.model})`,
    `predictions ${s.prediction_count} on ${s.image_count} images (${s.format})`,
    `root        ${s.root}`,
    ...(s.dataset !== null ? [`checked at  ${s.dataset}`] : []),
    ...s.classes.map(
      (c) => `  ${c.category}: ${c.predictions} (mean score ${c.meanScore.toFixed(3)})`,
    ),
  ],
});

interface SelectOpts {
  dataset: string;
  predictions: string;
  strategy: string;
  top: number;
  perClass?: number;
  where?: string;
  seed?: string;
  name?: string;
  diversity?: string;
  json?: boolean;
}

/** `--diversity embedding:FILE`: the file's bytes (read here, so the API takes bytes from anywhere). */
function diversityVectors(spec: string | undefined) {
  if (spec === undefined) return undefined;
  const file = /^embedding:(.+)$/.exec(spec)?.[1];
  if (file === undefined)
    throw new UsageError(
      `--diversity: expected embedding:FILE (one vector per image), got '${spec}'`,
    );
  checkInputFile(file);
  return { name: file, bytes: readFileSync(file) };
}

export const selectCommand = defineCommand({
  name: 'select',
  description:
    'the images a model is least sure about, hardest first, saved as a slice (its id binds snapshot, prediction set, strategy and parameters)',
  spec: (cmd) =>
    cmd
      .requiredOption('--dataset <ref>', 'the dataset version to select from')
      .requiredOption(
        '--predictions <set>',
        'a prediction set id, or a model NAME@VERSION (its newest set)',
      )
      .addOption(
        choiceOption(
          '--strategy <strategy>',
          'how uncertain a prediction is',
          SELECT_STRATEGY_CHOICES,
        ).makeOptionMandatory(),
      )
      .requiredOption('--top <n>', 'how many images', positiveInteger)
      .option(
        '--per-class <n>',
        'at most N images per class of the deciding prediction',
        positiveInteger,
      )
      .option(
        '--where <expr>',
        'only predictions matching (class, score, kind, attributes.X, image.*); naming pred(M), or with --strategy disagreement: only images with a label matching',
      )
      .option('--seed <seed>', 'the random strategy seed')
      .option('--name <name>', 'the slice name (default select-STRATEGY-N)')
      .option(
        '--diversity <embedding:FILE>',
        'choose among the 10 x top hardest by farthest-first in embedding space (FILE: VVEC or JSONL {"image", "vector"})',
      ),
  repository: true,
  async run(repo, { opts }: CommandInput<SelectOpts>) {
    const { selectImages } = await import('../../api/lineage/index.js');
    const r = await selectImages(repo, {
      ...opts,
      strategy: opts.strategy as 'margin',
      diversity: diversityVectors(opts.diversity),
    });
    return { slice: r.slice.id, images: r.images.map((i) => i.image) };
  },
  render: (r) => [`slice ${r.slice}`, ...r.images.map((img, i) => `${i + 1}. ${img}`)],
});

interface DisagreementsOpts {
  dataset: string;
  predictions: string;
  minScore?: number;
  json?: boolean;
}

export const predictDisagreementsCommand = defineCommand({
  name: 'disagreements',
  description:
    'approved labels whose matched prediction names another class with a confident score (likely label errors), most confident first, with annotator and reviewer',
  spec: (cmd) =>
    cmd
      .requiredOption('--dataset <ref>', 'the dataset version whose labels are checked')
      .requiredOption(
        '--predictions <set>',
        'a prediction set id, or a model NAME@VERSION (its newest set)',
      )
      .option(
        '--min-score <s>',
        'smallest top score that counts as confident (default 0.5)',
        probability,
      ),
  repository: true,
  async run(repo, { opts }: CommandInput<DisagreementsOpts>) {
    const { disagreementsJson, listDisagreements } = await import('../../api/lineage/index.js');
    return disagreementsJson(await listDisagreements(repo, opts));
  },
  render: (r) => [
    `${r.disagreements.length} approved labels the model disagrees with (score >= ${r.min_score}, set ${r.prediction_set})`,
    ...r.disagreements.map(
      (d) =>
        `${d.score.toFixed(3)}\t${d.image}/${d.label}\t${d.class} -> ${d.predicted_class}\tannotator ${String(d.annotator)} ${String(d.annotated_at)}\treviewer ${String(d.reviewer)} ${String(d.reviewed_at)}`,
    ),
  ],
});

interface PromoteOpts {
  branch: string;
  where?: string;
  message?: string;
  expectedHead?: string;
  json?: boolean;
}

export const predictPromoteCommand = defineCommand({
  name: 'promote <set>',
  description:
    'turn predictions into draft labels on a branch (review pending, proposed_by the model), skipping labels that exist',
  spec: (cmd) =>
    cmd
      .requiredOption('--branch <branch>', 'the branch the draft labels are committed to')
      .option(
        '--where <expr>',
        'only predictions matching (score, class, kind, attributes.X, image.*)',
      )
      .option('--message <text>', 'the commit message')
      .option(
        '--expected-head <commit>',
        'promote only if the branch is at this commit (refused if it moved)',
      ),
  repository: true,
  async run(repo, { args, opts }: CommandInput<PromoteOpts>) {
    const { promoteJson, promotePredictions } = await import('../../api/lineage/index.js');
    return promoteJson(await promotePredictions(repo, { set: args[0] as string, ...opts }));
  },
  render: (r) => [
    r.committed
      ? `promoted ${r.promoted} predictions of ${r.model} to ${r.branch} as pending labels (commit ${r.commit.slice(0, 12)})`
      : `nothing promoted: ${r.branch} stays at ${r.commit.slice(0, 12)}`,
    ...(r.skipped_existing + r.skipped_unknown_images > 0
      ? [
          `skipped ${r.skipped_existing} already labeled and ${r.skipped_unknown_images} on images ${r.branch} does not have`,
        ]
      : []),
  ],
});
