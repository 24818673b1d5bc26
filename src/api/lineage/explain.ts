/**
 * `verso explain PREDICTION --top K` (layer: api): the K training examples with the highest
 * influence on a prediction (`lineage/influence.ts`: dot product for gradient vectors, cosine
 * for embeddings, as recorded with the run's vectors). The run's vector blob is scanned in place
 * in chunks, split across threads (`explain-scan.ts`); a backend without local files gives the
 * whole blob, scored in this thread. Each of the top K is then resolved through the run's exact
 * commit (point lookups, `example-details.ts`): label content, annotator, annotation time, reviewer, review time.
 * When the run's vectors cover only some of its examples, the others are listed as `unscored`
 * (`explain-unscored.ts`): the ranking is over the scored ones only.
 */
import { CorruptionError, VersoError } from '../../core/errors.js';
import { ExplainUnavailableError } from './lineage-errors.js';
import { exampleDetails, type ExampleDetails } from './example-details.js';
import type { ChunkHash } from '../../core/hash.js';
import { topInfluences } from '../../influence/influence.js';
import { decodeVectorFile, keysOfRows, splitExampleKey } from '../../influence/vector-file.js';
import { scanVectorFile, type VectorScan } from './explain-scan.js';
import { unscoredExamples } from './explain-unscored.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';
import { requireModelById, requirePrediction, requireRun } from './lineage-records.js';
import type { Repository } from '../repository/repository.js';

export interface ExplainedExample extends ExampleDetails {
  readonly rank: number;
  readonly score: number;
  readonly image: string;
  readonly label: string;
}

export interface ExplainResult {
  readonly prediction: string;
  readonly model: string;
  readonly run: string;
  readonly commit: string;
  readonly kind: string;
  readonly scored: number;
  readonly examples: readonly ExplainedExample[];
  /** `IMAGE/LABEL` of the run's examples without a vector (not ranked), in key order. */
  readonly unscored: readonly string[];
}

export async function explainPrediction(
  repo: Repository,
  id: string,
  top: number,
): Promise<ExplainResult> {
  const p = await requirePrediction(repo, id);
  const model = await requireModelById(repo, p.model);
  const run = await requireRun(repo, model.run);
  if (!p.vector) throw new ExplainUnavailableError(p.id, 'the prediction has no vector');
  if (!run.vectors)
    throw new ExplainUnavailableError(p.id, `run ${run.id} has no vectors (run add-vectors)`);
  const query = new Float32Array(p.vector.slice().buffer);
  if (query.length !== run.vectors.dim)
    throw new ExplainUnavailableError(
      p.id,
      `its vector has dimension ${query.length}, run ${run.id}'s vectors ${run.vectors.dim}`,
    );
  const blob = run.vectors.blob;
  let scan: VectorScan | undefined;
  try {
    scan = await scanBlob(repo, blob, query, top);
  } catch (e) {
    if (!(e instanceof Error) || e instanceof VersoError) throw e;
    throw new CorruptionError(`vector blob ${blob} of run ${run.id}: ${e.message}`, { blob });
  }
  if (!scan) throw new CorruptionError(`vector blob ${blob} of run ${run.id} is missing`, { blob });
  const { header, best, keys } = scan;
  const snap = await snapshotOfCommit(repo, run.commit);
  const examples: ExplainedExample[] = [];
  for (const [i, b] of best.entries()) {
    const parts = splitExampleKey(keys.get(b.row) ?? '');
    if (!parts) throw new CorruptionError(`vector blob ${blob}: bad key at row ${b.row}`, { blob });
    const details = await exampleDetails(repo, snap, parts.image, parts.label);
    examples.push({ rank: i + 1, score: b.score, ...parts, ...details });
  }
  return {
    prediction: p.id,
    model: model.id,
    run: run.id,
    commit: run.commit,
    kind: header.kind,
    scored: header.count,
    examples,
    unscored: await unscoredExamples(repo, run),
  };
}

/** The top `k` of blob `hash`: scanned in place when the store has a local file. */
async function scanBlob(
  repo: Repository,
  hash: ChunkHash,
  query: Float32Array,
  k: number,
): Promise<VectorScan | undefined> {
  const path = await repo.blobs.localPath(hash);
  if (path !== undefined) return scanVectorFile(path, query, k);
  const bytes = await repo.blobs.get(hash);
  if (!bytes) return undefined;
  const file = decodeVectorFile(bytes);
  if (file.dim !== query.length)
    throw new Error(`dimension ${file.dim}, the query has ${query.length}`);
  const best = topInfluences(file.vectors, file.dim, query, file.kind, k);
  const keys = keysOfRows(
    file,
    best.map((b) => b.row),
  );
  return { header: file, best, keys };
}
