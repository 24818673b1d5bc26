/**
 * The whole CLI flow run a second time through a server (issue 13): import a real COCO file's
 * labels (converted to the native JSONL), branch, apply on both branches with one label changed
 * on each, merge (stops on that conflict) -> status -> resolve -> commit, two schema versions
 * and migrations (adopt, then rename/merge/split), a tag, a training run on it, a model and its
 * predictions, lineage up. Once with the CLI on a local folder, once with HTTP routes only, both
 * as the same author at the same fixed time: every step's commit (and so its snapshot), the
 * conflicts, the run's example set, the model, the lineage walk and the final log are the same,
 * and `verify` is clean on both.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  E2E_AUTHOR,
  expectOk,
  REPO_ROOT,
  parseJsonLines,
  useTempRoot,
  verso,
  writeJsonLines,
  type LabelRecord,
  type ShowJson,
} from '../e2e/helpers.js';
import { cliSide, serverSide, type FlowSide } from './cli-flow-sides.js';
import { startTestServer } from './harness.js';

const TIME = '2026-03-01T12:00:00.000Z';
const ENV = { VERSO_AUTHOR: E2E_AUTHOR, VERSO_COMMIT_TIME: TIME };
/** 100 real VOC 2012 images, 273 boxes, 20 classes: a CVAT "COCO 1.0" export. */
const COCO = resolve(
  REPO_ROOT,
  '../shared/data/real/coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);
const WHERE = 'review.status = approved';
/** The name the server gives an uploaded body (`src/server/upload.ts`). */
const UPLOAD = 'request body';
const tmp = useTempRoot('server-cli-flow');

interface FlowFiles {
  readonly labels: string;
  readonly onFeature: string;
  readonly onMain: string;
  readonly schema1: string;
  readonly schema2: string;
  readonly predictions: string;
  /** The label both branches change: `IMAGE/LABEL`. */
  readonly conflict: string;
  /** Labels still approved after the migration (persons; the split marks cars needs_review). */
  readonly approvedAfterMigration: number;
}

/** The COCO file as native JSONL (through `verso import coco` and `verso cat`), and the edits. */
async function flowFiles(dir: string): Promise<FlowFiles> {
  const scratch = join(dir, 'convert');
  expectOk(await verso(['init', scratch], { env: ENV }));
  expectOk(await verso(['--repo', scratch, 'import', 'coco', COCO], { env: ENV }));
  const text = expectOk(await verso(['--repo', scratch, 'cat', 'main'], { env: ENV })).stdout;
  const labels = parseJsonLines<LabelRecord>(text);
  expect(labels).toHaveLength(273);
  const labelsFile = uploadFile(dir, 'labels');
  writeFileSync(labelsFile, text);

  const dog = labels.find((l) => l.category === 'dog')!;
  const bottle = labels.find((l) => l.category === 'bottle')!;
  const key = { image: dog.image, label: dog.label };
  const approved = { status: 'approved', reviewer: E2E_AUTHOR, reviewed_at: TIME };
  const reviewed = labels.filter((l) => l.category === 'person' || l.category === 'car');
  const categories = JSON.parse(readFileSync(COCO, 'utf8')).categories as {
    id: number;
    name: string;
  }[];
  const v1 = categories.map(({ id, name }) => ({ id, name }));
  const v2 = [
    ...v1
      .filter((c) => c.id !== 4 && c.id !== 18)
      .map((c) => (c.name === 'tvmonitor' ? { ...c, name: 'tv' } : c)),
    { id: 21, name: 'sedan' },
    { id: 22, name: 'suv' },
  ];
  return {
    labels: labelsFile,
    onFeature: writeJsonLines(uploadFile(dir, 'feature'), [
      { op: 'patch', ...key, category: 'cat', category_id: 2 },
      { op: 'delete', image: bottle.image, label: bottle.label },
      {
        op: 'put',
        image: dog.image,
        label: 'f1',
        category: 'person',
        category_id: 1,
        bbox: [1, 2, 30, 40],
      },
    ]),
    onMain: writeJsonLines(uploadFile(dir, 'main'), [
      { op: 'patch', ...key, category: 'horse', category_id: 12 },
      ...reviewed.map((l) => ({ op: 'patch', image: l.image, label: l.label, review: approved })),
    ]),
    schema1: writeJson(join(dir, 'schema-1.json'), { message: 'VOC classes', classes: v1 }),
    schema2: writeJson(join(dir, 'schema-2.json'), {
      message: 'sheep into cow, cars split, tv renamed',
      classes: v2,
      ops: [
        { op: 'merge_classes', from: [18], into: 20 },
        { op: 'split_class', id: 4, into: [21, 22] },
      ],
    }),
    predictions: writeJsonLines(
      join(dir, 'predictions.jsonl'),
      labels.slice(0, 5).map((l, i) => ({
        id: `serving-${i}`,
        image: l.image,
        output: { category: l.category, bbox: l['bbox'], score: 0.5 + i / 10 },
      })),
    ),
    conflict: `${dog.image}/${dog.label}`,
    approvedAfterMigration: reviewed.filter((l) => l.category === 'person').length,
  };
}

/**
 * Where an input of import or apply is written: a folder of its own, the file named as the
 * server names a request body. A commit records the name of what it read ("Import NAME"), so
 * both sides read the same bytes under the same name.
 */
function uploadFile(dir: string, what: string): string {
  mkdirSync(join(dir, what));
  return join(dir, what, UPLOAD);
}

function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
}

/** Steps that write no content: a new branch or tag, a merge that stopped (nothing moved). */
const NO_CONTENT_CHANGE = ['branch', 'merge stopped', 'tag'];

interface StepJson {
  readonly step: string;
  readonly ref: string;
  readonly snapshot: string;
  /** `show REF --json` / `GET /commits/REF`. */
  readonly show: ShowJson;
}

/** The flow, on one side; what it read after each step. */
async function runFlow(side: FlowSide, files: FlowFiles) {
  const steps: StepJson[] = [];
  const record = async (step: string, ref: string) => {
    const show = await side.show(ref);
    steps.push({ step, ref, snapshot: show.snapshot, show });
  };
  await record('init', 'main');
  await side.importLabels(files.labels, 'main');
  await record('import', 'main');
  await side.createBranch('feature', 'main');
  await record('branch', 'feature');
  await side.apply(files.onFeature, 'feature');
  await record('apply on feature', 'feature');
  await side.apply(files.onMain, 'main');
  await record('apply on main', 'main');
  const conflicts = await side.mergeStopsOnConflict('feature', 'main');
  await record('merge stopped', 'main');
  await side.resolve('main', files.conflict, 'theirs');
  await side.commitMerge('main');
  await record('merge commit', 'main');
  await side.createSchema('1.0', files.schema1);
  await side.migrate('main', '1.0');
  await record('adopt schema 1.0', 'main');
  await side.createSchema('2.0', files.schema2);
  await side.migrate('main', '2.0');
  await record('migrate to 2.0', 'main');
  await side.tag('release-1', 'main');
  await record('tag', 'release-1');
  const run = await side.startRun('release-1', WHERE);
  const model = await side.registerModel(run.id, 'detector', '1');
  const predictions = await side.recordPredictions('detector@1', files.predictions);
  const up = await side.lineageUp(predictions[0]!);
  const log = await side.log('main');
  return {
    steps,
    conflicts,
    run,
    model,
    predictions,
    lineage: up,
    log,
    problems: await side.verifyProblems(),
  };
}

describe('server: the CLI flow through HTTP', () => {
  it('makes the same commits, snapshots, example set and log as the CLI', async () => {
    const files = await flowFiles(tmp.dir('files'));
    const local = await runFlow(await cliSide(join(tmp.root(), 'local'), ENV), files);
    const server = await startTestServer({ commitTime: TIME, author: E2E_AUTHOR });
    const remote = await runFlow(await serverSide(server, E2E_AUTHOR), files);

    // The flow did something at every commit-making step (so equal ids are not equal no-ops).
    const writes = local.steps.filter((s) => !NO_CONTENT_CHANGE.includes(s.step));
    expect(new Set(writes.map((s) => s.snapshot)).size).toBe(writes.length);
    expect(local.conflicts).toHaveLength(1);
    expect(local.conflicts[0]).toMatchObject({
      id: `labels/${files.conflict}`,
      kind: 'modify/modify',
    });

    // The same snapshot after every step, and the same commit (author, time, message,
    // operations, parents): the whole history is the same.
    expect(remote.steps).toEqual(local.steps);
    expect(remote.steps[1]!.show).toMatchObject({
      message: `Import ${UPLOAD}`,
      author: E2E_AUTHOR,
      time: TIME,
    });
    expect(remote.conflicts).toEqual(local.conflicts);
    expect(remote.log.map((c) => c.snapshot)).toEqual(local.log.map((c) => c.snapshot));
    expect(remote.log).toEqual(local.log);

    expect(local.run.example_count).toBe(files.approvedAfterMigration);
    expect(files.approvedAfterMigration).toBeGreaterThan(0);
    expect(local.run).toMatchObject({
      commit: local.steps.at(-1)!.show.commit,
      dataset_ref: 'release-1',
    });
    expect(remote.run).toEqual(local.run);
    // The server's model record also names its artifact (none here).
    expect(remote.model).toEqual({ ...local.model, artifact: null });
    expect(remote.predictions).toEqual(local.predictions);
    expect(remote.lineage).toEqual(local.lineage);

    expect(local.problems).toEqual([]);
    expect(remote.problems).toEqual([]);
  });
});
