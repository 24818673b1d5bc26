/**
 * `verso lineage up ID` and `verso lineage down ID` (layer: api): walks lineage records by
 * point lookups and index reads only, never scanning all predictions or commits.
 *
 * Up: prediction -> model -> run -> commit (author, time, message, parents) -> the example set
 * (count, root; its distinct annotators and reviewers, read by one walk of the set, when it has
 * at most `REVIEWER_SCAN_LIMIT` labels or `all` is asked; otherwise `people` says that they were
 * not listed, so a reader never takes a missing list for an empty one). ID is a prediction id
 * (or serving id), model id or `NAME@VERSION`, run id, a ref, or `IMAGE/LABEL` (at `at`): a
 * label a model proposed goes up through its prediction set and model (`lineage-label-up.ts`).
 * A run that trained on a slice goes up through it to the prediction set and model whose
 * predictions chose its data (`lineage-loop.ts`).
 * Down: a ref (commit) -> its slices and runs (indexes by commit) -> models (by run) -> predictions (by model:
 * count and the first `limit`) and prediction sets -> the slices selected from them -> the runs
 * that trained on those (`lineage-loop.ts`); `IMAGE/LABEL` -> the runs whose example set holds
 * that label (one point lookup per run) -> models -> ...; a run, model, prediction set or slice
 * id starts lower.
 */
import { RefNotFoundError } from '../../vcs/ref-errors.js';
import { hexToHash } from '../../core/hash.js';
import type { ChunkHash } from '../../core/hash.js';
import { decodeValue } from '../../core/canonical.js';
import type {
  ModelRecord,
  PredictionRecord,
  PredictionSetRecord,
  RunRecord,
  SliceRecord,
} from '../../catalog/catalog.js';
import { scanLeaves } from '../../tree/read.js';
import { getCommit, type Commit } from '../../vcs/commit.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { splitExampleKey } from '../../influence/vector-file.js';
import { exampleContent } from './example-set.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';
import { ReviewCursor } from '../read/label-review-scan.js';
import { findModel } from './model-register.js';
import { labelProposal, type LabelUp } from './lineage-label-up.js';
import { findPrediction, requireModelById, requireRun } from './lineage-records.js';
import {
  modelSetsDown,
  predictionSetDown,
  runSliceUp,
  sliceDown,
  type PredictionSetDown,
  type SliceDown,
  type SliceUp,
} from './lineage-loop.js';
import type { Repository } from '../repository/repository.js';

export const REVIEWER_SCAN_LIMIT = 10_000;

export interface CommitSummary {
  readonly id: ChunkHash;
  /** The commit's snapshot: the labels, reviews and assets the run read. */
  readonly snapshot: ChunkHash;
  readonly author: string;
  readonly time: string;
  readonly message: string;
  readonly parents: readonly ChunkHash[];
}

/** A prediction without its vector bytes. */
export type PredictionSummary = Omit<PredictionRecord, 'vector'> & { readonly hasVector: boolean };

export interface LineageUp {
  /** `IMAGE/LABEL`: the label, and the model that proposed it (`proposed_by`). */
  readonly label?: LabelUp;
  readonly predictionSet?: PredictionSetRecord;
  readonly prediction?: PredictionSummary;
  readonly model?: ModelRecord;
  readonly run?: RunRecord;
  /** The slice the run trained on, and the prediction set and model that chose it. */
  readonly trainedOn?: SliceUp;
  readonly commit: CommitSummary;
  readonly examples?: {
    readonly root: ChunkHash;
    readonly count: number;
    /** `listed`: annotators and reviewers are complete; `over_limit`: not read (use `all`). */
    readonly people: 'listed' | 'over_limit';
    readonly scan_limit: number;
    readonly annotators?: string[];
    readonly reviewers?: string[];
  };
}

export interface LineageUpOptions {
  /** List annotators and reviewers whatever the example set's size. */
  readonly all?: boolean;
  /** Where an `IMAGE/LABEL` id is read (default `main`). */
  readonly at?: string;
}

export async function lineageUp(
  repo: Repository,
  id: string,
  opts: LineageUpOptions = {},
): Promise<LineageUp> {
  const p = await findPrediction(repo, id);
  let model = p ? await requireModelById(repo, p.model) : await modelOrUndefined(repo, id);
  let run = model ? await requireRun(repo, model.run) : await repo.catalog.lineage.getRun(id);
  const proposal = p || model || run ? undefined : await labelProposal(repo, id, opts.at);
  if (proposal?.model !== undefined) {
    model = await requireModelById(repo, proposal.model);
    run = await requireRun(repo, model.run);
  }
  const commitId = run
    ? run.commit
    : await resolveRef(repo.catalog, repo.chunks, proposal ? (opts.at ?? 'main') : id);
  const commit = summary(commitId, await getCommit(repo.chunks, commitId));
  const trainedOn = run && (await runSliceUp(repo, run));
  const out: LineageUp = {
    ...(proposal ? { label: proposal.label } : {}),
    ...(proposal?.predictionSet ? { predictionSet: proposal.predictionSet } : {}),
    ...(p ? { prediction: withoutVector(p) } : {}),
    ...(model ? { model } : {}),
    ...(run ? { run } : {}),
    ...(trainedOn ? { trainedOn } : {}),
    commit,
  };
  if (!run) return out;
  const examples = {
    root: run.exampleSet,
    count: run.exampleCount,
    scan_limit: REVIEWER_SCAN_LIMIT,
  };
  if (run.exampleCount > REVIEWER_SCAN_LIMIT && !opts.all)
    return { ...out, examples: { ...examples, people: 'over_limit' } };
  const people = await examplePeople(repo, run);
  return { ...out, examples: { ...examples, people: 'listed', ...people } };
}

export interface LineageDown {
  readonly commit?: CommitSummary;
  /** Slices saved on the commit. */
  readonly slices?: readonly SliceRecord[];
  readonly label?: string;
  /** `lineage down SET_ID`: the set, the slices chosen from it and the runs on those. */
  readonly predictionSet?: PredictionSetDown;
  /** `lineage down SLICE_ID`: the slice and the runs that trained on it. */
  readonly slice?: SliceDown;
  readonly runs: readonly (RunRecord & {
    readonly models: readonly ModelDown[];
  })[];
}

export interface ModelDown extends ModelRecord {
  readonly predictions: {
    readonly total: number;
    readonly first: readonly PredictionSummary[];
  };
  /** Its prediction sets, the slices `select` chose from them, the runs that trained on those. */
  readonly predictionSets: readonly PredictionSetDown[];
}

export async function lineageDown(repo: Repository, id: string, limit = 10): Promise<LineageDown> {
  const run = await repo.catalog.lineage.getRun(id);
  if (run) return { runs: [await runDown(repo, run, limit)] };
  const model = await modelOrUndefined(repo, id);
  if (model) {
    const r = await requireRun(repo, model.run);
    return { runs: [{ ...r, models: [await modelDown(repo, model, limit)] }] };
  }
  const set = await repo.catalog.lineage.getPredictionSet(id);
  if (set) return { predictionSet: await predictionSetDown(repo, set), runs: [] };
  const slice = await repo.catalog.lineage.getSlice(id);
  if (slice) return { slice: await sliceDown(repo, slice), runs: [] };
  let commitId: ChunkHash | undefined;
  try {
    commitId = await resolveRef(repo.catalog, repo.chunks, id);
  } catch (e) {
    if (!(e instanceof RefNotFoundError) || !splitExampleKey(id)) throw e;
  }
  if (commitId !== undefined) {
    const runs = await repo.catalog.lineage.runsByCommit(commitId);
    const commit = summary(commitId, await getCommit(repo.chunks, commitId));
    const slices = await repo.catalog.lineage.slicesByCommit(commitId);
    return { commit, slices, runs: await Promise.all(runs.map((r) => runDown(repo, r, limit))) };
  }
  const { image, label } = splitExampleKey(id)!;
  const holding: RunRecord[] = [];
  for (const r of await repo.catalog.lineage.listRuns())
    if ((await exampleContent(repo, r.exampleSet, image, label)) !== undefined) holding.push(r);
  return { label: id, runs: await Promise.all(holding.map((r) => runDown(repo, r, limit))) };
}

async function runDown(repo: Repository, run: RunRecord, limit: number) {
  const models = await repo.catalog.lineage.modelsByRun(run.id);
  return { ...run, models: await Promise.all(models.map((m) => modelDown(repo, m, limit))) };
}

async function modelDown(repo: Repository, model: ModelRecord, limit: number): Promise<ModelDown> {
  const { total, first } = await repo.catalog.lineage.predictionsByModel(model.id, limit);
  const predictionSets = await modelSetsDown(repo, model);
  return { ...model, predictions: { total, first: first.map(withoutVector) }, predictionSets };
}

async function modelOrUndefined(repo: Repository, id: string): Promise<ModelRecord | undefined> {
  return findModel(repo, id).catch(() => undefined);
}

export function withoutVector(p: PredictionRecord): PredictionSummary {
  const { vector, ...rest } = p;
  return { ...rest, hasVector: vector !== null };
}

function summary(id: ChunkHash, c: Commit): CommitSummary {
  return {
    id,
    snapshot: c.snapshot,
    author: c.author,
    time: c.time,
    message: c.message,
    parents: c.parents,
  };
}

/** Distinct annotators and reviewers of a run's examples, read through its exact commit. */
async function examplePeople(repo: Repository, run: RunRecord) {
  const snap = await snapshotOfCommit(repo, run.commit);
  const reviews = new ReviewCursor(scanLeaves(repo.nodes, treeRoot(snap, 'reviews')));
  const annotators = new Set<string>();
  const reviewers = new Set<string>();
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(run.exampleSet))) {
    for (let i = leaf.from; i < leaf.to; i++) {
      add(annotators, decodeValue(leaf.values[i]!), 'annotator');
      const review = await reviews.valueAt(leaf.keys[i]!);
      if (review) add(reviewers, decodeValue(review), 'reviewer');
    }
  }
  return { annotators: [...annotators].sort(), reviewers: [...reviewers].sort() };
}

function add(into: Set<string>, v: unknown, name: string): void {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const x = (v as Record<string, unknown>)[name];
    if (typeof x === 'string') into.add(x);
  }
}
