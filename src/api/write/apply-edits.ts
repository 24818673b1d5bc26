/**
 * `verso apply EDITS.jsonl --branch B`: a batch of put/patch/delete ops as one commit
 * (layer: api).
 *
 * Ops apply in file order (a later op on the same label sees the earlier ones). A put replaces
 * the label's content (and its review, when given); a patch is a JSON merge patch
 * (`dataset/merge-patch.ts`) of the label's content and, in `review`, of its review; a delete
 * must name a label that exists at that point, and so must a patch. Every label a put or patch
 * writes passes the write checks (`label-write-check.ts`: structure, the branch's schema, its
 * image's asset record and size; `clip` clips). A put whose content equals the stored one leaves
 * the labels tree untouched (only its review, if given and different, changes the reviews
 * tree). Both trees are then mutated in one batched pass each. Any bad line aborts before
 * anything moves; a batch that changes nothing makes no commit.
 */
import { basename } from 'node:path';
import { decodeValue, encodeValue, type JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import type { ChangeCounts } from '../../dataset/change-counts.js';
import { encodeImageKey, encodeLabelKey } from '../../dataset/label-key.js';
import {
  encodeLabelContent,
  parseLabelLine,
  unstorableLine,
  type LabelContent,
  type LabelPatch,
  type LabelPut,
} from '../../dataset/label-line.js';
import { applyMergePatch } from '../../dataset/merge-patch.js';
import { checkInputFile } from '../../io/input-file.js';
import { readLines } from '../../io/line-reader.js';
import { compareBytes } from '../../tree/bytes.js';
import { mutateTreeCounting, type Edit } from '../../tree/mutate.js';
import { countEntries, getValue } from '../../tree/read.js';
import type { CommitResult } from './commit-to-branch.js';
import { writeToBranch } from './write-to-branch.js';
import {
  imageInfoOf,
  LabelWriteCheck,
  type GeometryReport,
  type ImageInfo,
  type WritePolicy,
} from './label-write-check.js';
import type { Repository } from '../repository/repository.js';
import { problemData } from '../../schema/label-validator.js';

export interface ApplyEditsOptions {
  readonly file: string;
  readonly branch: string;
  readonly message?: string;
  readonly policy?: WritePolicy;
}

export interface ApplyEditsResult extends CommitResult {
  readonly ops: number;
  readonly labels: ChangeCounts;
  readonly reviews: ChangeCounts;
  readonly geometry: GeometryReport;
}

/** The final effect of the file's ops on one key of one tree: a value, or null (deleted). */
type Pending = Map<string, { key: Uint8Array; value: Uint8Array | null }>;

const RESERVED = new Set(['op', 'image', 'label', 'review']);

export async function applyEdits(
  repo: Repository,
  opts: ApplyEditsOptions,
): Promise<ApplyEditsResult> {
  checkInputFile(opts.file);
  return writeToBranch(repo, opts.branch, async (base) => {
    const roots = {
      labels: hexToHash(base.snapshot.trees.labels),
      reviews: hexToHash(base.snapshot.trees.reviews),
      assets: hexToHash(base.snapshot.trees.assets),
    };
    const labelOps: Pending = new Map();
    const reviewOps: Pending = new Map();
    /** The value a key has at this point of the batch (undefined: absent). */
    const current = async (ops: Pending, root: Uint8Array, id: string, key: Uint8Array) => {
      const pending = ops.get(id);
      if (pending) return pending.value ?? undefined;
      return getValue(repo.nodes, root, key);
    };
    const check = await LabelWriteCheck.open(repo, base.snapshot.schema, opts.policy);
    check.setImagesRecorded(await countEntries(repo.nodes, roots.assets));
    const images = new Map<string, ImageInfo>();
    const imageInfo = async (image: string) => {
      if (!images.has(image))
        images.set(
          image,
          imageInfoOf(await getValue(repo.nodes, roots.assets, encodeImageKey(image))),
        );
      return images.get(image);
    };
    /** The content to store after every check, or an error naming the line. */
    const checked = async (op: LabelPut | LabelPatch, content: LabelContent) => {
      const problem = check.content(content);
      if (problem) throw new FormatParseError(opts.file, op.line, problem.field, problem.why);
      const placed = check.place(op.image, op.label, content, await imageInfo(op.image));
      if (!placed.ok)
        throw new FormatParseError(
          opts.file,
          op.line,
          placed.field,
          placed.why,
          problemData(placed),
        );
      return placed.content ?? content;
    };
    let ops = 0;
    for await (const { text, line } of readLines(opts.file)) {
      const op = parseLabelLine(text, opts.file, line, true);
      const key = encodeLabelKey(op.image, op.label);
      const id = Buffer.from(key).toString('latin1');
      ops++;
      if (op.op !== 'put') {
        const stored = await current(labelOps, roots.labels, id, key);
        if (stored === undefined)
          throw new FormatParseError(
            opts.file,
            line,
            'label',
            `${op.op} of a label that does not exist (image '${op.image}', label '${op.label}')`,
          );
        if (op.op === 'delete') {
          labelOps.set(id, { key, value: null });
          reviewOps.set(id, { key, value: null });
          continue;
        }
        try {
          const patch = contentPatch(op.record);
          if (patch) {
            const merged = applyMergePatch(decodeValue(stored), patch) as LabelContent;
            labelOps.set(id, { key, value: encodeValue(await checked(op, merged)) });
          }
          if (op.review === null) reviewOps.set(id, { key, value: null });
          else if (op.review !== undefined) {
            const old = await current(reviewOps, roots.reviews, id, key);
            const review = applyMergePatch(old && decodeValue(old), op.review);
            reviewOps.set(id, { key, value: encodeValue(review) });
          }
        } catch (e) {
          throw unstorableLine(e, opts.file, line);
        }
        continue;
      }
      const content = await checked(op, op.record);
      try {
        labelOps.set(id, { key, value: encodeLabelContent({ ...op, record: content }) });
        if (op.review !== undefined)
          reviewOps.set(id, { key, value: op.review ? encodeValue(op.review) : null });
      } catch (e) {
        throw unstorableLine(e, opts.file, line);
      }
    }
    const labels = await mutateTreeCounting(repo.nodes, roots.labels, sortedEdits(labelOps));
    const reviews = await mutateTreeCounting(repo.nodes, roots.reviews, sortedEdits(reviewOps));
    const geometry = check.report();
    return {
      snapshot: {
        ...base.snapshot,
        trees: {
          ...base.snapshot.trees,
          labels: hashToHex(labels.root),
          reviews: hashToHex(reviews.root),
        },
      },
      message: opts.message ?? `Apply ${basename(opts.file)}`,
      operations: {
        op: 'apply',
        file: basename(opts.file),
        ops,
        labels: { ...labels.counts },
        reviews: { ...reviews.counts },
        ...(geometry.clipped > 0 ? { clipped: geometry.clipped } : {}),
      },
      report: { ops, labels: labels.counts, reviews: reviews.counts, geometry },
    };
  });
}

/** The content members of a patch line (undefined when it patches only the review). */
function contentPatch(record: LabelContent): { [k: string]: JsonValue } | undefined {
  let out: { [k: string]: JsonValue } | undefined;
  for (const [k, v] of Object.entries(record))
    if (!RESERVED.has(k)) {
      out ??= {};
      Object.defineProperty(out, k, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  return out;
}

/** The pending ops as tree edits in key order (no-ops are recognised during the merge). */
function sortedEdits(pending: Pending): Edit[] {
  return [...pending.values()].sort((a, b) => compareBytes(a.key, b.key));
}
