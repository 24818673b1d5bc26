/**
 * `verso migrate --branch B --to VERSION [--policy FILE] [--dry-run]` (layer: api).
 *
 * Moves a branch's labels to schema VERSION in one commit:
 * - from no schema: the branch adopts VERSION once every label validates against it (the first
 *   label that does not is reported; nothing moves);
 * - from an older version V (VERSION must descend from V): every op recorded between them gets
 *   a policy (`resolvePolicies`: policy file by op index or kind, else rename/merge auto and
 *   the rest review). Auto ops rewrite the labels they affect; review ops leave a label's
 *   content as it was and set its review to `{...old review, status: 'needs_review', reason}`.
 * The commit's operations are the migration record: `{op: 'migrate', from, to, labels,
 * rewritten, marked, ops: [{index, version, policy, labels, ...the delta op}]}`, plus
 * `annotations: {labelings, rewritten, marked}` when the branch keeps several annotators'
 * labelings (issue 18): each object's reference and every annotator's labeling are migrated
 * alike (`schema/migrate-object.ts`) and adopting a version validates every labeling too.
 * `dryRun` computes the same counts and writes nothing (and takes no writer lease).
 */
import { decodeValue, encodeValue, type JsonValue } from '../../core/canonical.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { LabelSchemaError } from './label-schema-error.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { checkInputFile } from '../../io/input-file.js';
import { readTextFile } from '../../io/text-file.js';
import { makeLabelValidator } from '../../schema/label-validator.js';
import { migrateLabel, resolvePolicies, type PlannedStep } from '../../schema/migrate-label.js';
import { describeStep } from '../../schema/migration-steps.js';
import { touchesNoLabel } from '../../schema/op-effects.js';
import { parsePolicyFile } from '../../schema/policy-file.js';
import { mutateTreeCounting, type Edit } from '../../tree/mutate.js';
import { getValue, scanLeaves } from '../../tree/read.js';
import { branchHead, type BranchHead } from '../write/branch-head.js';
import type { CommitResult } from '../write/commit-to-branch.js';
import { writeToBranch } from '../write/write-to-branch.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import {
  encodeAnnotationKey,
  encodeObjectKey,
  encodeReference,
} from '../../dataset/annotation-record.js';
import { migrateObject } from '../../schema/migrate-object.js';
import { labelingsOf, scanObjectLabelings } from '../annotators/object-scan.js';
import { NEEDS_REVIEW } from './migrate-status.js';
import type { Repository } from '../repository/repository.js';
import { SchemaRegistry } from '../repository/schema-registry.js';

export interface MigrateOptions {
  readonly branch: string;
  readonly to: string;
  /** A policy file (JSON/YAML). */
  readonly policyFile?: string;
  readonly dryRun?: boolean;
  readonly message?: string;
}

export interface MigratedOp {
  readonly index: number;
  readonly version: string;
  readonly policy: 'auto' | 'review';
  /** Labels the op affected (rewritten under auto, marked under review). */
  readonly labels: number;
  /** Annotators' labelings it affected, when there are any. */
  readonly annotations?: number;
  /** One line for people, e.g. `2.1 op 3: split_class 3 'vehicle' into 5 'car', 6 'truck'`. */
  readonly text: string;
  readonly op: JsonValue;
}

export interface MigrateResult {
  readonly branch: string;
  readonly from: string | null;
  readonly to: string;
  readonly dryRun: boolean;
  /** Labels scanned. */
  readonly labels: number;
  readonly rewritten: number;
  readonly marked: number;
  /** With several annotators' labelings: how many, and how many were rewritten or marked. */
  readonly annotations?: AnnotationCounts;
  readonly ops: readonly MigratedOp[];
  readonly commit?: CommitResult;
}

export interface AnnotationCounts {
  readonly labelings: number;
  readonly rewritten: number;
  /** Labelings a review op hit: left as they were (annotations carry no review). */
  readonly marked: number;
}

export async function migrateBranch(
  repo: Repository,
  opts: MigrateOptions,
): Promise<MigrateResult> {
  const registry = await SchemaRegistry.open(repo);
  registry.record(opts.to);
  let overrides = {};
  if (opts.policyFile !== undefined) {
    checkInputFile(opts.policyFile);
    overrides = parsePolicyFile(readTextFile(opts.policyFile), opts.policyFile);
  }
  /** What migrating the branch from `base` does, and how to build the migrated snapshot. */
  const planFrom = async (base: BranchHead) => {
    const from = base.snapshot.schema;
    if (from === opts.to)
      throw new InvalidArgumentError(
        'schema version',
        opts.to,
        `branch '${opts.branch}' is already on it`,
      );
    const plan =
      from === null
        ? await adopt(repo, base, registry, opts.to)
        : await rewrite(
            repo,
            base,
            resolvePolicies(registry.stepsBetween(from, opts.to), overrides),
            opts.to,
          );
    const summary = {
      branch: opts.branch,
      from,
      to: opts.to,
      dryRun: Boolean(opts.dryRun),
      ...plan.counts,
    };
    return { summary, plan };
  };
  if (opts.dryRun) return (await planFrom(await branchHead(repo, opts.branch))).summary;
  const { commit, snapshot, committed, ...summary } = await writeToBranch(
    repo,
    opts.branch,
    async (base) => {
      const { summary, plan } = await planFrom(base);
      return {
        snapshot: await plan.snapshot(),
        message: opts.message ?? `Migrate schema ${summary.from ?? '(none)'} -> ${opts.to}`,
        operations: {
          op: 'migrate',
          from: summary.from,
          to: opts.to,
          labels: plan.counts.labels,
          rewritten: plan.counts.rewritten,
          marked: plan.counts.marked,
          ...(plan.counts.annotations ? { annotations: { ...plan.counts.annotations } } : {}),
          ops: plan.counts.ops.map((o) => ({
            ...(o.op as object),
            index: o.index,
            version: o.version,
            policy: o.policy,
            labels: o.labels,
            ...(o.annotations !== undefined ? { annotations: o.annotations } : {}),
          })),
        },
        report: summary,
      };
    },
  );
  return { ...summary, commit: { commit, snapshot, committed } };
}

interface Plan {
  readonly counts: Pick<MigrateResult, 'labels' | 'rewritten' | 'marked' | 'ops' | 'annotations'>;
  /** The migrated snapshot (its trees written to the chunk store). */
  snapshot(): Promise<Snapshot>;
}

/** A branch without a schema takes `to` after every label validates against it. */
async function adopt(
  repo: Repository,
  base: BranchHead,
  registry: SchemaRegistry,
  to: string,
): Promise<Plan> {
  const validate = makeLabelValidator(registry.taxonomy(to), to);
  let labels = 0;
  for await (const run of scanLeaves(repo.nodes, hexToHash(base.snapshot.trees.labels))) {
    for (let i = run.from; i < run.to; i++) {
      const problem = validate(decodeValue(run.values[i]!) as LabelContent);
      if (problem) {
        const k = decodeLabelKey(run.keys[i]!);
        throw new LabelSchemaError(k.image, k.label, problem.field, problem.why);
      }
      labels++;
    }
  }
  let labelings = 0;
  for await (const batch of scanObjectLabelings(repo, base.snapshot))
    for (const o of batch)
      for (const { annotator, content } of labelingsOf(o)) {
        const problem = validate(content);
        if (problem)
          throw new LabelSchemaError(o.image, o.object, problem.field, problem.why, annotator);
        labelings++;
      }
  const annotations = labelings > 0 ? { labelings, rewritten: 0, marked: 0 } : undefined;
  return {
    counts: { labels, rewritten: 0, marked: 0, ops: [], ...(annotations ? { annotations } : {}) },
    snapshot: async () => ({ ...base.snapshot, schema: to }),
  };
}

async function rewrite(
  repo: Repository,
  base: BranchHead,
  steps: readonly PlannedStep[],
  to: string,
): Promise<Plan> {
  const active = steps.filter((s) => !touchesNoLabel(s));
  const hits = new Array<number>(steps.length).fill(0);
  const labelEdits: Edit[] = [];
  const marked: { key: Uint8Array; reason: string }[] = [];
  let labels = 0;
  for await (const run of scanLeaves(repo.nodes, hexToHash(base.snapshot.trees.labels))) {
    labels += run.to - run.from;
    if (active.length === 0) continue;
    for (let i = run.from; i < run.to; i++) {
      const r = migrateLabel(active, decodeValue(run.values[i]!) as LabelContent);
      for (const h of r.hits) hits[h]!++;
      if (r.rewritten) labelEdits.push({ key: run.keys[i]!, value: encodeValue(r.content) });
      if (r.reasons.length > 0) marked.push({ key: run.keys[i]!, reason: r.reasons.join('; ') });
    }
  }
  const objects = await migrateObjects(repo, base.snapshot, active, steps.length);
  const counts = {
    labels,
    rewritten: labelEdits.length,
    marked: marked.length,
    ...(objects.counts.labelings > 0 ? { annotations: objects.counts } : {}),
    ops: steps.map((s) => ({
      index: s.index,
      version: s.version,
      policy: s.policy,
      labels: hits[s.index]!,
      ...(objects.hits[s.index]! > 0 ? { annotations: objects.hits[s.index]! } : {}),
      text: describeStep(s),
      op: s.op as unknown as JsonValue,
    })),
  };
  return {
    counts,
    async snapshot() {
      const reviewsRoot = hexToHash(base.snapshot.trees.reviews);
      const reviewEdits: Edit[] = [];
      for (const m of marked) {
        const old = await getValue(repo.nodes, reviewsRoot, m.key);
        const review = old ? (decodeValue(old) as { [k: string]: JsonValue }) : {};
        reviewEdits.push({
          key: m.key,
          value: encodeValue({ ...review, status: NEEDS_REVIEW, reason: m.reason }),
        });
      }
      const newLabels = await mutateTreeCounting(
        repo.nodes,
        hexToHash(base.snapshot.trees.labels),
        labelEdits,
      );
      const newReviews = await mutateTreeCounting(repo.nodes, reviewsRoot, reviewEdits);
      const tree = async (name: 'objects' | 'annotations', edits: Edit[]) =>
        edits.length === 0
          ? base.snapshot.trees[name]
          : hashToHex(
              (await mutateTreeCounting(repo.nodes, treeRoot(base.snapshot, name), edits)).root,
            );
      return {
        ...base.snapshot,
        schema: to,
        trees: {
          ...base.snapshot.trees,
          labels: hashToHex(newLabels.root),
          reviews: hashToHex(newReviews.root),
          objects: await tree('objects', objects.objectEdits),
          annotations: await tree('annotations', objects.annotationEdits),
        },
      };
    },
  };
}

/**
 * Every object's reference and annotators' labelings through the active steps (one walk of the
 * objects and annotations trees); `hits` counts the labelings each step hit.
 */
async function migrateObjects(
  repo: Repository,
  snapshot: Snapshot,
  active: readonly PlannedStep[],
  stepCount: number,
) {
  const hits = new Array<number>(stepCount).fill(0);
  const objectEdits: Edit[] = [];
  const annotationEdits: Edit[] = [];
  const counts = { labelings: 0, rewritten: 0, marked: 0 };
  for await (const batch of scanObjectLabelings(repo, snapshot))
    for (const o of batch) {
      counts.labelings += o.annotations.length;
      if (active.length === 0) continue;
      const m = migrateObject(active, o);
      counts.rewritten += m.rewritten;
      counts.marked += m.marked;
      for (const h of m.hits) hits[h]!++;
      if (m.reference)
        objectEdits.push({
          key: encodeObjectKey(o.image, o.object),
          value: encodeReference(m.reference),
        });
      for (const a of m.annotations)
        annotationEdits.push({
          key: encodeAnnotationKey(o.image, o.object, a.annotator),
          value: a.bytes,
        });
    }
  return { counts, hits, objectEdits, annotationEdits };
}
