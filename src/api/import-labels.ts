/**
 * `verso import labels FILE.jsonl`: streaming bulk import into a branch, one commit
 * (layer: api).
 *
 * Mode `replace` (default): the branch's labels and reviews become exactly the file's (assets
 * and splits are kept). Lines are parsed and encoded as they stream in, sorted by key with an
 * external sort (bounded memory), and the two trees are built bottom-up in one pass. Mode
 * `upsert`: the file's labels are put on top of the existing ones (a batched mutation).
 * Any bad line aborts the whole import before anything moves; duplicate keys are an error.
 */
import { basename, join } from 'node:path';
import { ByteReader, ByteWriter } from '../core/byte-writer.js';
import { encodeValue } from '../core/canonical.js';
import { FormatParseError } from '../core/errors.js';
import { hashToHex, hexToHash, type ChunkHash } from '../core/hash.js';
import { countChange, zeroCounts, type ChangeCounts } from '../dataset/change-counts.js';
import { decodeLabelKey, encodeLabelKey } from '../dataset/label-key.js';
import { parseLabelLine, type LabelPut } from '../dataset/label-line.js';
import { ExternalSorter } from '../io/external-sort.js';
import { readLines } from '../io/line-reader.js';
import { TreeBuilder } from '../tree/builder.js';
import { diffTrees } from '../tree/diff.js';
import { mutateTree, type Edit } from '../tree/mutate.js';
import { countEntries } from '../tree/read.js';
import { branchHead } from './branch-head.js';
import { commitToBranch, type CommitResult } from './commit-to-branch.js';
import { withLease } from './lease.js';
import { throttled, type ProgressFn } from './progress.js';
import type { Repository } from './repository.js';

export interface ImportLabelsOptions {
  readonly file: string;
  readonly branch: string;
  readonly message?: string;
  readonly mode?: 'replace' | 'upsert';
  readonly onProgress?: ProgressFn;
}

export interface ImportLabelsResult extends CommitResult {
  readonly lines: number;
  readonly labels: ChangeCounts;
  readonly reviews: ChangeCounts;
}

export async function importLabels(repo: Repository, opts: ImportLabelsOptions): Promise<ImportLabelsResult> {
  return withLease(repo, 'writer', async () => {
    const base = await branchHead(repo, opts.branch);
    const mode = opts.mode ?? 'replace';
    const sorter = new ExternalSorter(join(repo.scratchDir(), 'import-sort'));
    try {
      const lines = await readIntoSorter(opts.file, sorter, opts.onProgress);
      const roots =
        mode === 'replace'
          ? await buildFromSorted(repo, sorter, opts.file, opts.onProgress)
          : await upsertFromSorted(repo, sorter, opts.file, base.snapshot.trees.labels, base.snapshot.trees.reviews);
      const labels = await changeCounts(repo, hexToHash(base.snapshot.trees.labels), roots.labels);
      const reviews = await changeCounts(repo, hexToHash(base.snapshot.trees.reviews), roots.reviews);
      const result = await commitToBranch(repo, {
        branch: opts.branch,
        expectedHead: base.head,
        snapshot: { ...base.snapshot, trees: { ...base.snapshot.trees, labels: hashToHex(roots.labels), reviews: hashToHex(roots.reviews) } },
        message: opts.message ?? `Import ${basename(opts.file)}`,
        operations: { op: 'import', format: 'jsonl', mode, file: basename(opts.file), lines, labels: { ...labels }, reviews: { ...reviews } },
      });
      return { ...result, lines, labels, reviews };
    } finally {
      sorter.cleanup();
    }
  });
}

const REVIEW_ABSENT = 0;
const REVIEW_PRESENT = 1;
const REVIEW_NULL = 2;

/** Sort payload: line number, encoded label content, review flag (+ encoded review). */
function encodePayload(put: LabelPut): Buffer {
  const w = new ByteWriter(256);
  w.varint(put.line);
  w.blob(encodeValue(put.content));
  if (put.review) {
    w.byte(REVIEW_PRESENT);
    w.blob(encodeValue(put.review));
  } else w.byte(put.review === null ? REVIEW_NULL : REVIEW_ABSENT);
  return w.finish() as Buffer;
}

/** `review`: bytes, null (explicitly none) or undefined (not given). */
function decodePayload(payload: Buffer): { line: number; label: Uint8Array; review: Uint8Array | null | undefined } {
  const r = new ByteReader(payload);
  const line = r.varint();
  const label = r.blob();
  const flag = r.byte();
  const review = flag === REVIEW_PRESENT ? r.blob() : flag === REVIEW_NULL ? null : undefined;
  return { line, label, review };
}

async function readIntoSorter(file: string, sorter: ExternalSorter, onProgress?: ProgressFn): Promise<number> {
  const progress = throttled(onProgress, 'read');
  let n = 0;
  for await (const { text, line } of readLines(file)) {
    const op = parseLabelLine(text, file, line, false) as LabelPut;
    sorter.add(Buffer.from(encodeLabelKey(op.image, op.label)).toString('latin1'), encodePayload(op));
    progress.tick(++n);
  }
  progress.end(n);
  return n;
}

/** Yields sorted records, rejecting duplicate keys with both line numbers. */
async function* uniqueSorted(sorter: ExternalSorter, file: string) {
  let prevKey: string | undefined;
  let prevLine = 0;
  for await (const rec of sorter.sorted()) {
    const p = decodePayload(rec.payload);
    if (rec.key === prevKey) {
      const k = decodeLabelKey(Buffer.from(rec.key, 'latin1'));
      throw new FormatParseError(file, p.line, 'label', `duplicate label (image '${k.image}', label '${k.label}'), first at line ${prevLine}`);
    }
    prevKey = rec.key;
    prevLine = p.line;
    yield { key: Buffer.from(rec.key, 'latin1'), ...p };
  }
}

async function buildFromSorted(repo: Repository, sorter: ExternalSorter, file: string, onProgress?: ProgressFn) {
  const labels = new TreeBuilder(repo.nodes);
  const reviews = new TreeBuilder(repo.nodes);
  const progress = throttled(onProgress, 'build', 50_000, sorter.count);
  let n = 0;
  for await (const rec of uniqueSorted(sorter, file)) {
    labels.add(rec.key, rec.label);
    if (rec.review) reviews.add(rec.key, rec.review);
    progress.tick(++n);
  }
  progress.end(n);
  return { labels: labels.finish(), reviews: reviews.finish() };
}

async function upsertFromSorted(repo: Repository, sorter: ExternalSorter, file: string, labelsRoot: ChunkHash, reviewsRoot: ChunkHash) {
  const labelEdits: Edit[] = [];
  const reviewEdits: Edit[] = [];
  for await (const rec of uniqueSorted(sorter, file)) {
    labelEdits.push({ key: rec.key, value: rec.label });
    if (rec.review !== undefined) reviewEdits.push({ key: rec.key, value: rec.review });
  }
  return {
    labels: await mutateTree(repo.nodes, hexToHash(labelsRoot), labelEdits),
    reviews: await mutateTree(repo.nodes, hexToHash(reviewsRoot), reviewEdits),
  };
}

/** Added/removed/modified between two roots; an empty base needs no diff. */
async function changeCounts(repo: Repository, from: Uint8Array, to: Uint8Array): Promise<ChangeCounts> {
  const counts = zeroCounts();
  if ((await countEntries(repo.nodes, from)) === 0) {
    counts.added = await countEntries(repo.nodes, to);
    return counts;
  }
  for await (const c of diffTrees(repo.nodes, from, to)) countChange(counts, c.type);
  return counts;
}
