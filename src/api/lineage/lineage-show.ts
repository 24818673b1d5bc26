/**
 * One lineage record by id, and a run's examples (layer: api): what a server's `GET /runs/ID`,
 * `GET /runs/ID/examples` and `GET /predictions/ID` answer. Point lookups, and for the examples
 * one walk of the run's example-set tree (its fixed order: label key order) joined with the
 * reviews of the run's exact commit, rendered as the native interchange (`verso cat` lines).
 * The set is the one stored when the run started, so a relative filter (`last quarter`) or a
 * moved ref never changes what a run's examples are. `firstMissingExample` asks the set about
 * many keys at once (a server checks each chunk of vectors it receives before keeping it).
 */
import { JsonBytes } from '../../core/canonical-json.js';
import { hexToHash } from '../../core/hash.js';
import type { RunRecord } from '../../catalog/catalog.js';
import { compareBytes } from '../../tree/bytes.js';
import { scanLeaves } from '../../tree/read.js';
import { encodeLabelKey } from '../../dataset/label-key.js';
import { splitExampleKey } from '../../influence/vector-file.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { renderLine } from '../read/label-lines.js';
import { ReviewCursor } from '../read/label-review-scan.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';
import { withoutVector, type PredictionSummary } from './lineage.js';
import { requirePrediction, requireRun } from './lineage-records.js';

const BLOCK_BYTES = 1 << 20;

/** The run `id` (`LineageRecordNotFoundError` when there is none). */
export async function showRun(repo: Repository, id: string): Promise<RunRecord> {
  return requireRun(repo, id);
}

/** The prediction `id` (or serving id), without its vector bytes. */
export async function showPrediction(repo: Repository, id: string): Promise<PredictionSummary> {
  return withoutVector(await requirePrediction(repo, id));
}

/**
 * Blocks of NDJSON lines (whole lines), one per example of run `id` in the run's order. The
 * run is looked up before the generator is returned, so an unknown run fails before any output.
 */
export async function runExampleBlocks(
  repo: Repository,
  id: string,
): Promise<AsyncGenerator<Buffer>> {
  const run = await requireRun(repo, id);
  const snap = await snapshotOfCommit(repo, run.commit);
  return (async function* () {
    const reviews = new ReviewCursor(scanLeaves(repo.nodes, treeRoot(snap, 'reviews')));
    const out = new JsonBytes();
    for await (const leaf of scanLeaves(repo.nodes, hexToHash(run.exampleSet))) {
      for (let i = leaf.from; i < leaf.to; i++) {
        const key = leaf.keys[i]!;
        const found = reviews.valueAt(key);
        renderLine(out, key, leaf.values[i]!, found instanceof Promise ? await found : found);
      }
      if (out.length >= BLOCK_BYTES) yield out.take();
    }
    if (out.length > 0) yield out.take();
  })();
}

/**
 * The position in `keys` (`IMAGE/LABEL`) of the first key that is not in run `run`'s example
 * set (malformed keys are not in it), or undefined when all are. One ordered walk of the set's
 * tree for the sorted keys, not one descent per key.
 */
export async function firstMissingExample(
  repo: Repository,
  run: RunRecord,
  keys: readonly string[],
): Promise<number | undefined> {
  let first: number | undefined;
  const wanted: { key: Uint8Array; at: number }[] = [];
  keys.forEach((k, at) => {
    const parts = splitExampleKey(k);
    if (!parts) first = Math.min(first ?? at, at);
    else wanted.push({ key: encodeLabelKey(parts.image, parts.label), at });
  });
  wanted.sort((a, b) => compareBytes(a.key, b.key));
  const cursor = new ReviewCursor(scanLeaves(repo.nodes, hexToHash(run.exampleSet)));
  for (const w of wanted) {
    const found = cursor.valueAt(w.key);
    if ((found instanceof Promise ? await found : found) === undefined)
      first = Math.min(first ?? w.at, w.at);
  }
  return first;
}
