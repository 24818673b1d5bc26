/**
 * `verso import labels FILE.jsonl`: streaming bulk import into a branch, one commit
 * (layer: api).
 *
 * Mode `replace` (default): the branch's labels and reviews become exactly the file's (assets
 * and splits are kept). Lines are parsed and encoded as they stream in, sorted by key with an
 * external sort (bounded memory), and the two trees are built bottom-up in one pass. Mode
 * `upsert`: the file's labels are put on top of the existing ones (a batched mutation).
 * Any bad line aborts the whole import before anything moves; duplicate keys are an error.
 * When the branch's snapshot has a schema version, every label must conform to it.
 */
import { basename, join } from 'node:path';
import { FormatParseError } from '../core/errors.js';
import { hashToHex, hexToHash, type ChunkHash } from '../core/hash.js';
import type { ChangeCounts } from '../dataset/change-counts.js';
import { ExternalSorter } from '../io/external-sort.js';
import { mutateTree, type Edit } from '../tree/mutate.js';
import { branchHead } from './branch-head.js';
import { commitToBranch, type CommitResult } from './commit-to-branch.js';
import {
  readLabelFile,
  unpackBatch,
  type LabelFileReader,
  type LineNumbers,
} from './label-file-records.js';
import { withLease } from './lease.js';
import { labelSchemaOf } from './schema-registry.js';
import { throttled, type ProgressFn } from './progress.js';
import type { Repository } from './repository.js';
import {
  buildFromSorted,
  changeCounts,
  uniqueSorted,
  type DuplicateError,
  type SortedRecord,
} from './sorted-label-build.js';

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

export async function importLabels(
  repo: Repository,
  opts: ImportLabelsOptions,
): Promise<ImportLabelsResult> {
  return withLease(repo, 'writer', async () => {
    const base = await branchHead(repo, opts.branch);
    const mode = opts.mode ?? 'replace';
    const sorter = new ExternalSorter(join(repo.scratchDir(), 'import-sort'));
    try {
      const reader = readLabelFile(opts.file, await labelSchemaOf(repo, base.snapshot.schema));
      const lines = await readIntoSorter(reader, sorter, opts.onProgress);
      const records = uniqueSorted(sorter, duplicateLine(opts.file, reader.lines));
      const roots =
        mode === 'replace'
          ? await buildFromSorted(repo, records, sorter.count, opts.onProgress)
          : await upsertFromSorted(
              repo,
              records,
              base.snapshot.trees.labels,
              base.snapshot.trees.reviews,
            );
      const labels = await changeCounts(repo, hexToHash(base.snapshot.trees.labels), roots.labels);
      const reviews = await changeCounts(
        repo,
        hexToHash(base.snapshot.trees.reviews),
        roots.reviews,
      );
      const result = await commitToBranch(repo, {
        branch: opts.branch,
        expectedHead: base.head,
        snapshot: {
          ...base.snapshot,
          trees: {
            ...base.snapshot.trees,
            labels: hashToHex(roots.labels),
            reviews: hashToHex(roots.reviews),
          },
        },
        message: opts.message ?? `Import ${basename(opts.file)}`,
        operations: {
          op: 'import',
          format: 'jsonl',
          mode,
          file: basename(opts.file),
          lines,
          labels: { ...labels },
          reviews: { ...reviews },
        },
      });
      return { ...result, lines, labels, reviews };
    } finally {
      sorter.cleanup();
    }
  });
}

async function readIntoSorter(
  reader: LabelFileReader,
  sorter: ExternalSorter,
  onProgress?: ProgressFn,
): Promise<number> {
  const progress = throttled(onProgress, 'read');
  let n = 0;
  for await (const batch of reader.batches) {
    for (const rec of unpackBatch(batch)) {
      sorter.add(
        Buffer.from(rec.key.buffer, rec.key.byteOffset, rec.key.byteLength).toString('latin1'),
        rec.payload,
      );
      n++;
    }
    progress.tick(n);
  }
  progress.end(n);
  return n;
}

async function upsertFromSorted(
  repo: Repository,
  records: AsyncIterable<SortedRecord>,
  labelsRoot: ChunkHash,
  reviewsRoot: ChunkHash,
) {
  const labelEdits: Edit[] = [];
  const reviewEdits: Edit[] = [];
  for await (const rec of records) {
    labelEdits.push({ key: rec.key, value: rec.label });
    if (rec.review !== undefined) reviewEdits.push({ key: rec.key, value: rec.review });
  }
  return {
    labels: await mutateTree(repo.nodes, hexToHash(labelsRoot), labelEdits),
    reviews: await mutateTree(repo.nodes, hexToHash(reviewsRoot), reviewEdits),
  };
}

/** A duplicate (image, label) names the later line and the line of the first occurrence. */
function duplicateLine(file: string, lines: LineNumbers): DuplicateError {
  return (firstTag, secondTag, k) => {
    const [first, second] = [lines.absolute(firstTag), lines.absolute(secondTag)].sort(
      (a, b) => a - b,
    );
    return new FormatParseError(
      file,
      second!,
      'label',
      `duplicate label (image '${k.image}', label '${k.label}'), first at line ${first}`,
    );
  };
}
