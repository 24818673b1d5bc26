/**
 * `verso suspects RUN --top N [--by annotator]` (layer: api): label-error hunting. A run's
 * training examples ranked by self-influence, the squared L2 norm of each recorded gradient
 * vector (TracIn's self-influence, `influence/self-influence.ts`): an example the model could not
 * fit, a flipped label first, keeps a large gradient. Ties go to the lower `IMAGE/LABEL`.
 *
 * Cost: one pass over the vector file (`vector-rows.ts`: chunks of rows, never the whole file)
 * with a top-N heap, so the ranking holds N keys whatever the run's size; then the N examples
 * are resolved through the run's exact commit (`example-details.ts`: label, class, annotator,
 * annotation time, reviewer, review status). `by: 'annotator'` also aggregates every scored
 * example per annotator (examples, mean self-influence, how many of the top N, their share of
 * it): that pass keeps one key and one float per example (the vector file's row order is not
 * key order), then reads the annotators by one walk of the run's example set (that member alone of each
 * label, `selectMembers`).
 *
 * Only gradient vectors have a self-influence: a run with embeddings, or none, is refused
 * (`SuspectsUnavailableError`), as is a `top` that is not a positive integer or an unknown `by`.
 */
import type { RunRecord } from '../../catalog/catalog.js';
import type { JsonValue } from '../../core/canonical.js';
import { selectMembers } from '../../core/canonical-members.js';
import { CorruptionError, InvalidArgumentError } from '../../core/errors.js';
import { hexToHash } from '../../core/hash.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import { squaredNorm, TopSelfInfluence } from '../../influence/self-influence.js';
import { splitExampleKey } from '../../influence/vector-file.js';
import { scanLeaves } from '../../tree/read.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';
import { exampleDetails, member } from './example-details.js';
import { SuspectsUnavailableError } from './lineage-errors.js';
import { requireRun } from './lineage-records.js';
import { visitVectorRows } from './vector-rows.js';

export const SUSPECTS_BY = ['annotator'] as const;
const ANNOTATOR = ['annotator'] as const;
export type SuspectsBy = (typeof SUSPECTS_BY)[number];

export interface SuspectsOptions {
  /** How many examples to rank (a positive integer). */
  readonly top: number;
  readonly by?: string | undefined;
}

export interface Suspect {
  readonly rank: number;
  readonly self_influence: number;
  readonly image: string;
  readonly label: string;
  readonly class: JsonValue | null;
  readonly annotator: JsonValue | null;
  readonly annotated_at: JsonValue | null;
  readonly review_status: JsonValue | null;
  readonly reviewer: JsonValue | null;
  readonly reviewed_at: JsonValue | null;
}

export interface AnnotatorSuspects {
  /** null: examples whose label names no annotator. */
  readonly annotator: string | null;
  /** Their scored examples. */
  readonly examples: number;
  readonly mean_self_influence: number;
  /** How many of the top N are theirs, and that count over N. */
  readonly in_top: number;
  readonly share: number;
}

export interface SuspectsResult {
  readonly run: string;
  readonly commit: string;
  /** Examples with a vector (ranked); `unscored` of the run's examples have none. */
  readonly scored: number;
  readonly unscored: number;
  readonly top: number;
  /** Best first. */
  readonly examples: readonly Suspect[];
  /** With `by: 'annotator'`: most examples in the top first. */
  readonly annotators?: readonly AnnotatorSuspects[];
}

export async function rankSuspects(
  repo: Repository,
  runId: string,
  options: SuspectsOptions,
): Promise<SuspectsResult> {
  const { top, by } = options;
  if (!Number.isSafeInteger(top) || top < 1)
    throw new InvalidArgumentError('top', top, 'expected a positive integer', { option: 'top' });
  if (by !== undefined && !(SUSPECTS_BY as readonly string[]).includes(by))
    throw new InvalidArgumentError('by', by, `expected ${SUSPECTS_BY.join(' or ')}`, {
      option: 'by',
    });
  const run = await requireRun(repo, runId);
  if (!run.vectors)
    throw new SuspectsUnavailableError(run.id, 'it has no vectors (run add-vectors)');
  if (run.vectors.kind !== 'gradient')
    throw new SuspectsUnavailableError(
      run.id,
      `its vectors are ${run.vectors.kind}s: self-influence needs gradient vectors`,
    );
  const best = new TopSelfInfluence(top);
  const norms = by === undefined ? undefined : new Map<string, number>();
  const header = await visitVectorRows(repo, run, (row, vectors, base, keyOf) => {
    const score = squaredNorm(vectors, base, run.vectors!.dim);
    best.offer(row, score, keyOf);
    norms?.set(keyOf(), score);
  });
  const ranked = best.sorted();
  const snap = await snapshotOfCommit(repo, run.commit);
  const examples: Suspect[] = [];
  for (const [i, b] of ranked.entries()) {
    const parts = splitExampleKey(b.key);
    if (!parts)
      throw new CorruptionError(`run ${run.id}: bad vector key '${b.key}'`, { key: b.key });
    const d = await exampleDetails(repo, snap, parts.image, parts.label);
    examples.push({
      rank: i + 1,
      self_influence: b.score,
      ...parts,
      class: member(d.content, 'category'),
      annotator: d.annotator,
      annotated_at: d.annotated_at,
      review_status: member(d.review, 'status'),
      reviewer: d.reviewer,
      reviewed_at: d.reviewed_at,
    });
  }
  const result = {
    run: run.id,
    commit: run.commit,
    scored: header.count,
    unscored: run.exampleCount - header.count,
    top,
    examples,
  };
  if (!norms) return result;
  return { ...result, annotators: await byAnnotator(repo, run, norms, examples) };
}

/** Per annotator of the run's example set: its scored examples' count and mean, its top share. */
async function byAnnotator(
  repo: Repository,
  run: RunRecord,
  norms: ReadonlyMap<string, number>,
  top: readonly Suspect[],
): Promise<AnnotatorSuspects[]> {
  const groups = new Map<string | null, { examples: number; sum: number; inTop: number }>();
  const group = (annotator: string | null) => {
    let g = groups.get(annotator);
    if (!g) groups.set(annotator, (g = { examples: 0, sum: 0, inTop: 0 }));
    return g;
  };
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(run.exampleSet)))
    for (let i = leaf.from; i < leaf.to; i++) {
      const { image, label } = decodeLabelKey(leaf.keys[i]!);
      const norm = norms.get(`${image}/${label}`);
      if (norm === undefined) continue;
      const [annotator] = selectMembers(leaf.values[i]!, ANNOTATOR);
      const g = group(typeof annotator === 'string' ? annotator : null);
      g.examples++;
      g.sum += norm;
    }
  for (const s of top) group(typeof s.annotator === 'string' ? s.annotator : null).inTop++;
  return [...groups.entries()]
    .map(([annotator, g]) => ({
      annotator,
      examples: g.examples,
      mean_self_influence: g.examples === 0 ? 0 : g.sum / g.examples,
      in_top: g.inTop,
      share: top.length === 0 ? 0 : g.inTop / top.length,
    }))
    .sort(
      (a, b) =>
        b.in_top - a.in_top ||
        b.mean_self_influence - a.mean_self_influence ||
        ((a.annotator ?? '\uffff') < (b.annotator ?? '\uffff') ? -1 : 1),
    );
}
