/**
 * `verso apply EDITS.jsonl --branch B`: a batch of put/delete ops as one commit (layer: api).
 *
 * Ops apply in file order (a later op on the same label wins). A delete must name a label
 * that exists at that point; a put whose label content equals the stored one leaves the labels
 * tree untouched (only its review, if given and different, changes the reviews tree). Both
 * trees are then mutated in one batched pass each. Any bad line aborts before anything moves.
 * When the branch's snapshot has a schema version, every put must conform to it.
 */
import { basename } from 'node:path';
import { encodeValue } from '../core/canonical.js';
import { FormatParseError } from '../core/errors.js';
import { hashToHex, hexToHash } from '../core/hash.js';
import type { ChangeCounts } from '../dataset/change-counts.js';
import { encodeLabelKey } from '../dataset/label-key.js';
import { encodeLabelContent, parseLabelLine, unstorableLine } from '../dataset/label-line.js';
import { checkInputFile } from '../io/input-file.js';
import { readLines } from '../io/line-reader.js';
import { compareBytes } from '../tree/bytes.js';
import { mutateTreeCounting, type Edit } from '../tree/mutate.js';
import { getValue } from '../tree/read.js';
import { branchHead } from './branch-head.js';
import { commitToBranch, type CommitResult } from './commit-to-branch.js';
import { withLease } from './lease.js';
import { validatorFor } from './label-file-records.js';
import { labelSchemaOf } from './schema-registry.js';
import type { Repository } from './repository.js';

export interface ApplyEditsOptions {
  readonly file: string;
  readonly branch: string;
  readonly message?: string;
}

export interface ApplyEditsResult extends CommitResult {
  readonly ops: number;
  readonly labels: ChangeCounts;
  readonly reviews: ChangeCounts;
}

/** The final effect of the file's ops on one key of one tree: a value, or null (deleted). */
type Pending = Map<string, { key: Uint8Array; value: Uint8Array | null }>;

export async function applyEdits(
  repo: Repository,
  opts: ApplyEditsOptions,
): Promise<ApplyEditsResult> {
  checkInputFile(opts.file);
  return withLease(repo, 'writer', async () => {
    const base = await branchHead(repo, opts.branch);
    const labelsRoot = hexToHash(base.snapshot.trees.labels);
    const reviewsRoot = hexToHash(base.snapshot.trees.reviews);
    const labelOps: Pending = new Map();
    const reviewOps: Pending = new Map();
    const exists = async (id: string, key: Uint8Array) => {
      const pending = labelOps.get(id);
      return pending
        ? pending.value !== null
        : (await getValue(repo.nodes, labelsRoot, key)) !== undefined;
    };
    const validate = validatorFor(await labelSchemaOf(repo, base.snapshot.schema));
    let ops = 0;
    for await (const { text, line } of readLines(opts.file)) {
      const op = parseLabelLine(text, opts.file, line, true);
      const key = encodeLabelKey(op.image, op.label);
      const id = Buffer.from(key).toString('latin1');
      ops++;
      if (op.op === 'delete') {
        if (!(await exists(id, key))) {
          throw new FormatParseError(
            opts.file,
            line,
            'label',
            `delete of a label that does not exist (image '${op.image}', label '${op.label}')`,
          );
        }
        labelOps.set(id, { key, value: null });
        reviewOps.set(id, { key, value: null });
        continue;
      }
      const problem = validate?.(op.record);
      if (problem) throw new FormatParseError(opts.file, line, problem.field, problem.why);
      try {
        labelOps.set(id, { key, value: encodeLabelContent(op) });
        if (op.review !== undefined)
          reviewOps.set(id, { key, value: op.review ? encodeValue(op.review) : null });
      } catch (e) {
        throw unstorableLine(e, opts.file, line);
      }
    }
    const labels = await mutateTreeCounting(repo.nodes, labelsRoot, sortedEdits(labelOps));
    const reviews = await mutateTreeCounting(repo.nodes, reviewsRoot, sortedEdits(reviewOps));
    const result = await commitToBranch(repo, {
      branch: opts.branch,
      expectedHead: base.head,
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
      },
    });
    return { ...result, ops, labels: labels.counts, reviews: reviews.counts };
  });
}

/** The pending ops as tree edits in key order (no-ops are recognised during the merge). */
function sortedEdits(pending: Pending): Edit[] {
  return [...pending.values()].sort((a, b) => compareBytes(a.key, b.key));
}
