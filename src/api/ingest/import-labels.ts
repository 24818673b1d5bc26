/**
 * `verso import labels FILE.jsonl`: streaming bulk import into a branch, one commit
 * (layer: api).
 *
 * Lines are parsed, checked (`label-write-check.ts`: structure and schema, on whichever thread
 * parses them) and encoded as they stream in, sorted by key with an external sort (bounded
 * memory), checked against their images (placement) and written by the import's mode
 * (`import-label-trees.ts`): `per_image` (default: the images the file names get exactly its
 * labels, other images keep theirs), `replace_all` (the branch's labels and reviews become the
 * file's) or `upsert` (the file's labels are put on top). Assets and splits are kept. Any bad
 * line aborts the whole import before anything moves; duplicate keys are an error. An import
 * that changes nothing makes no commit.
 */
import { basename, join } from 'node:path';
import { FormatParseError } from '../../core/errors.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import type { ChangeCounts } from '../../dataset/change-counts.js';
import { ExternalSorter } from '../../io/external-sort.js';
import type { RemovedReport } from './change-report.js';
import { importLabelTrees, type ImportMode } from './import-label-trees.js';
import {
  readLabelFile,
  unpackBatch,
  type LabelFileReader,
  type LineNumbers,
} from './label-file-records.js';
import {
  LabelWriteCheck,
  type GeometryReport,
  type WritePolicy,
} from '../write/label-write-check.js';
import { throttled, type ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';
import { uniqueSorted, type DuplicateError } from './sorted-label-build.js';
import { failpoint } from '../../core/failpoints.js';
import type { CommitResult } from '../write/commit-to-branch.js';
import { writeToBranch } from '../write/write-to-branch.js';
import { problemData } from '../../schema/label-validator.js';

export interface ImportLabelsOptions {
  readonly file: string;
  readonly branch: string;
  readonly message?: string;
  readonly mode?: ImportMode;
  readonly policy?: WritePolicy;
  readonly onProgress?: ProgressFn;
}

export interface ImportLabelsResult extends CommitResult {
  readonly mode: ImportMode;
  readonly lines: number;
  readonly labels: ChangeCounts;
  readonly reviews: ChangeCounts;
  readonly removed: RemovedReport;
  readonly geometry: GeometryReport;
}

export async function importLabels(
  repo: Repository,
  opts: ImportLabelsOptions,
): Promise<ImportLabelsResult> {
  let scratch: ExternalSorter | undefined;
  try {
    return await writeToBranch(repo, opts.branch, async (base) => {
      const mode = opts.mode ?? 'per_image';
      const sorter = new ExternalSorter(join(repo.scratchDir(), 'import-sort'));
      scratch = sorter;
      const check = await LabelWriteCheck.open(repo, base.snapshot.schema, opts.policy);
      const reader = readLabelFile(opts.file, check.schema);
      const lines = await readIntoSorter(reader, sorter, opts.onProgress);
      failpoint('import-after-read');
      const trees = base.snapshot.trees;
      const written = await importLabelTrees(repo, {
        base: { labels: hexToHash(trees.labels), reviews: hexToHash(trees.reviews) },
        mode,
        records: uniqueSorted(sorter, duplicateLine(opts.file, reader.lines)),
        count: sorter.count,
        assets: hexToHash(trees.assets),
        check,
        invalid: (tag, _key, p) =>
          new FormatParseError(
            opts.file,
            reader.lines.absolute(tag),
            p.field,
            p.why,
            problemData(p),
          ),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      failpoint('import-after-trees');
      const { labels, reviews, removed } = written.changes;
      const geometry = check.report();
      return {
        snapshot: {
          ...base.snapshot,
          trees: {
            ...trees,
            labels: hashToHex(written.labels),
            reviews: hashToHex(written.reviews),
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
          ...(geometry.clipped > 0 ? { clipped: geometry.clipped } : {}),
        },
        report: { mode, lines, labels, reviews, removed, geometry },
      };
    });
  } finally {
    scratch?.cleanup();
  }
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
