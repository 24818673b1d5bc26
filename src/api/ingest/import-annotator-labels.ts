/**
 * `verso import labels FILE --annotator NAME`: one annotator's labeling from a JSONL label file
 * into the `objects` and `annotations` trees, one commit (layer: api).
 *
 * Lines are the native label lines (`label-line.ts`); their labels are that annotator's: the
 * images the file names get exactly the file's labels as this annotator's labeling (a re-import
 * replaces it), other annotators' annotations and the labels tree are never touched
 * (`labeling-trees.ts`). A line may repeat the annotator in `annotator` (it must be NAME);
 * `review` is refused (reviews are of labels, which consensus writes). Every line is parsed and
 * checked (structure, geometry) before anything is written, then every label by the label write
 * policy (`labeling-placement.ts`: the branch's schema, the image's asset record, placement on
 * the image; `clip` clips); a bad line aborts the import naming file and line.
 * An import that changes nothing makes no commit.
 */
import { basename } from 'node:path';
import { FormatParseError } from '../../core/errors.js';
import { hashToHex } from '../../core/hash.js';
import {
  ANNOTATOR_MEMBER,
  checkAnnotatorName,
  encodeReference,
} from '../../dataset/annotation-record.js';
import { checkLabelGeometry } from '../../dataset/label-geometry.js';
import { parseLabelLine, unstorableLine, type LabelPut } from '../../dataset/label-line.js';
import { checkInputFile } from '../../io/input-file.js';
import { readLines } from '../../io/line-reader.js';
import { treeRoot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';
import type { CommitResult } from '../write/commit-to-branch.js';
import { writeToBranch } from '../write/write-to-branch.js';
import {
  LabelWriteCheck,
  type GeometryReport,
  type WritePolicy,
} from '../write/label-write-check.js';
import { placeLabelings } from './labeling-placement.js';
import { LabelingCollector, writeLabelings, type LabelingChanges } from './labeling-trees.js';

export interface ImportAnnotatorLabelsOptions {
  readonly file: string;
  readonly branch: string;
  readonly annotator: string;
  readonly message?: string;
  readonly policy?: WritePolicy;
}

export interface ImportAnnotatorLabelsResult extends CommitResult {
  readonly annotator: string;
  readonly lines: number;
  readonly images: number;
  readonly changes: LabelingChanges;
  readonly geometry: GeometryReport;
}

export async function importAnnotatorLabels(
  repo: Repository,
  opts: ImportAnnotatorLabelsOptions,
): Promise<ImportAnnotatorLabelsResult> {
  const annotator = checkAnnotatorName(opts.annotator);
  checkInputFile(opts.file);
  const input = await readLabeling(opts.file, annotator);
  const images = input.sortedImages().length;
  return writeToBranch(repo, opts.branch, async (base) => {
    const s = base.snapshot;
    const check = await LabelWriteCheck.open(repo, s.schema, opts.policy);
    await placeLabelings(repo, treeRoot(s, 'assets'), input, check);
    const geometry = check.report();
    const written = await writeLabelings(
      repo,
      { objects: treeRoot(s, 'objects'), annotations: treeRoot(s, 'annotations') },
      input,
    );
    const { changes } = written;
    return {
      snapshot: {
        ...s,
        trees: {
          ...s.trees,
          objects: hashToHex(written.objects),
          annotations: hashToHex(written.annotations),
        },
      },
      message: opts.message ?? `Import ${basename(opts.file)} as annotator ${annotator}`,
      operations: {
        op: 'import',
        format: 'jsonl',
        file: basename(opts.file),
        annotator,
        lines: input.labels,
        objects: { ...changes.objects },
        annotations: { ...changes.annotations },
        ...(geometry.clipped > 0 ? { clipped: geometry.clipped } : {}),
      },
      report: { annotator, lines: input.labels, images, changes, geometry },
    };
  });
}

async function readLabeling(file: string, annotator: string): Promise<LabelingCollector> {
  const input = new LabelingCollector();
  for await (const { text, line } of readLines(file)) {
    const put = parseLabelLine(text, file, line, false) as LabelPut;
    if (put.review !== undefined)
      throw new FormatParseError(
        file,
        line,
        'review',
        "an annotator's labeling has no reviews (reviews are of the consensus labels)",
      );
    const { op: _op, image: _i, label: _l, review: _r, ...content } = put.record;
    const named = content[ANNOTATOR_MEMBER];
    if (named !== undefined && named !== annotator)
      throw new FormatParseError(
        file,
        line,
        ANNOTATOR_MEMBER,
        `the line names annotator ${JSON.stringify(named)}, but the import is for annotator '${annotator}'`,
      );
    const problem = checkLabelGeometry(content);
    if (problem) throw new FormatParseError(file, line, problem.field, problem.why);
    try {
      encodeReference(content);
    } catch (e) {
      throw unstorableLine(e, file, line, content);
    }
    input.add(put.image, annotator, put.label, content, [file, line]);
  }
  return input;
}
