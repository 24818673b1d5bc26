/**
 * `verso merge status` and `verso merge resolve` (layer: api).
 *
 * Status lists each conflict of a branch's pending merge with its base/ours/theirs values
 * decoded. Resolve records a decision (who, when) for one conflict, for every conflict of one
 * label (`IMAGE/LABEL` matches its labels and reviews conflicts), or for all undecided ones;
 * the pending merge is replaced by version compare-and-swap, so concurrent resolvers never lose
 * a decision. Deciding again replaces the earlier decision until `merge commit`.
 *
 * A `--value` for a label is checked like any written label (`label-write-check.ts`: structure,
 * the merged snapshot's schema, placement on its image), and the result says which fields ours
 * or theirs had that the value drops (`dropped`), so a hand-written value cannot lose `area` or
 * `attributes` unnoticed.
 */
import { readFileSync } from 'node:fs';
import { encodeValue, type JsonValue } from '../../core/canonical.js';
import { FormatParseError, InvalidArgumentError } from '../../core/errors.js';
import { InputFileError } from '../../io/io-errors.js';
import { UnknownConflictError } from './merge-errors.js';
import { decodeRecordKey, encodeImageKey } from '../../dataset/label-key.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { checkInputFile } from '../../io/input-file.js';
import { getValue } from '../../tree/read.js';
import { hexToHash } from '../../core/hash.js';
import { authorOf, timeOf } from '../repository/identity.js';
import { imageInfoOf, LabelWriteCheck } from '../write/label-write-check.js';
import {
  displayValue,
  isDecided,
  loadPendingMerge,
  savePendingMerge,
  toHex,
  type Choice,
  type PendingMerge,
  type Resolution,
  type StoredConflict,
} from './merge-state.js';
import type { Repository } from '../repository/repository.js';
import { problemData } from '../../schema/label-validator.js';

export interface ConflictView {
  readonly id: string;
  readonly kind: string;
  readonly tree?: string;
  readonly base?: JsonValue;
  readonly ours?: JsonValue;
  readonly theirs?: JsonValue;
  readonly review?: { ours?: JsonValue; theirs?: JsonValue };
  readonly resolution?: Resolution;
}

export interface MergeStatus {
  readonly into: string;
  readonly source: string;
  readonly ours: string;
  readonly theirs: string;
  readonly bases: readonly string[];
  readonly startedBy: string;
  readonly startedAt: string;
  readonly undecided: number;
  readonly conflicts: readonly ConflictView[];
}

export async function mergeStatus(repo: Repository, into: string): Promise<MergeStatus> {
  const { state } = await loadPendingMerge(repo, into);
  return {
    into: state.into,
    source: state.source,
    ours: state.ours,
    theirs: state.theirs,
    bases: state.bases,
    startedBy: state.startedBy,
    startedAt: state.startedAt,
    undecided: state.conflicts.filter((c) => !isDecided(c)).length,
    conflicts: state.conflicts.map(viewOf),
  };
}

function viewOf(c: StoredConflict): ConflictView {
  const value = (v: string | null | undefined) =>
    c.type === 'schema' || c.type === 'categories' ? (v ?? null) : displayValue(v);
  return {
    id: c.id,
    kind: c.kind,
    ...(c.tree ? { tree: c.tree } : {}),
    ...(c.type === 'key' ? { base: displayValue(c.base) } : {}),
    ours: value(c.ours),
    theirs: value(c.theirs),
    ...(c.review
      ? { review: { ours: displayValue(c.review.ours), theirs: displayValue(c.review.theirs) } }
      : {}),
    ...(c.resolution ? { resolution: c.resolution } : {}),
  };
}

export interface ResolveOptions {
  readonly into: string;
  /** A conflict id, `IMAGE/LABEL`, or undefined with `all`. */
  readonly id?: string;
  readonly all?: boolean;
  readonly choice: Exclude<Choice, 'value'> | 'value';
  readonly valueFile?: string;
}

/** A field of ours or theirs that a `--value` resolution leaves out. */
export interface DroppedField {
  readonly field: string;
  readonly from: readonly ('ours' | 'theirs')[];
}

export interface ResolveResult {
  readonly resolved: readonly string[];
  readonly undecided: number;
  /** Per label conflict resolved with a value: the fields it drops (absent when none). */
  readonly dropped: Readonly<Record<string, readonly DroppedField[]>>;
}

export async function resolveConflicts(
  repo: Repository,
  opts: ResolveOptions,
): Promise<ResolveResult> {
  const { state, version } = await loadPendingMerge(repo, opts.into);
  const targets = pickTargets(state, opts);
  const decision = { by: authorOf(repo), at: timeOf(repo) };
  const resolved: string[] = [];
  const dropped: Record<string, DroppedField[]> = {};
  const conflicts: StoredConflict[] = [];
  for (const c of state.conflicts) {
    if (!targets.has(c.id)) {
      conflicts.push(c);
      continue;
    }
    resolved.push(c.id);
    const d = await decisionFor(repo, state, c, opts);
    if (d.dropped.length > 0) dropped[c.id] = d.dropped;
    conflicts.push({ ...c, resolution: { ...d.resolution, ...decision } });
  }
  const next: PendingMerge = { ...state, conflicts };
  await savePendingMerge(repo, next, version);
  return { resolved, undecided: conflicts.filter((c) => !isDecided(c)).length, dropped };
}

function pickTargets(state: PendingMerge, opts: ResolveOptions): Set<string> {
  if (opts.all) {
    if (opts.choice === 'value')
      throw new InvalidArgumentError(
        'resolution',
        'value',
        'a value cannot resolve all conflicts at once',
        {
          option: 'value',
          with: 'all',
        },
      );
    return new Set(state.conflicts.filter((c) => !isDecided(c)).map((c) => c.id));
  }
  const id = opts.id;
  if (!id)
    throw new InvalidArgumentError('conflict', '', 'name a conflict id, or resolve all conflicts', {
      missing: 'conflict-id',
    });
  const exact = state.conflicts.filter((c) => c.id === id);
  const picked =
    exact.length > 0
      ? exact
      : state.conflicts.filter(
          (c) => c.type === 'key' && (c.id === `labels/${id}` || c.id === `reviews/${id}`),
        );
  if (picked.length === 0) throw new UnknownConflictError(state.into, id);
  return new Set(picked.map((c) => c.id));
}

type Decision = {
  readonly resolution: Pick<Resolution, 'choice' | 'value' | 'review'>;
  readonly dropped: DroppedField[];
};

async function decisionFor(
  repo: Repository,
  state: PendingMerge,
  c: StoredConflict,
  opts: ResolveOptions,
): Promise<Decision> {
  if (opts.choice === 'both' && c.type !== 'duplicate')
    throw new InvalidArgumentError(
      'resolution',
      'both',
      `applies to possible duplicates, not to '${c.id}'`,
      { option: 'both' },
    );
  if (opts.choice !== 'value') return { resolution: { choice: opts.choice }, dropped: [] };
  if (c.type !== 'key' || c.keyframes)
    throw new InvalidArgumentError(
      'resolution',
      'value',
      c.keyframes
        ? `cannot resolve '${c.id}' (a track removed on one side, its keyframes changed on the other): choose ours or theirs`
        : `applies to record conflicts, not to '${c.id}'`,
      { option: 'value' },
    );
  const file = opts.valueFile!;
  const { content, ...value } = readValueFile(file, c.tree === 'labels');
  if (!content) return { resolution: { choice: 'value', ...value }, dropped: [] };
  await checkValue(repo, state, c, content, file);
  return { resolution: { choice: 'value', ...value }, dropped: droppedFields(c, content) };
}

/** The write checks on a label value: structure, schema, placement on its image (no clipping). */
async function checkValue(
  repo: Repository,
  state: PendingMerge,
  c: StoredConflict,
  content: LabelContent,
  file: string,
): Promise<void> {
  const check = await LabelWriteCheck.open(repo, state.merged.schema);
  const problem = check.content(content);
  if (problem) throw new FormatParseError(file, 1, problem.field, problem.why);
  const { image, label } = decodeRecordKey(Buffer.from(c.key!, 'hex'));
  const asset = await getValue(
    repo.nodes,
    hexToHash(state.merged.trees.assets),
    encodeImageKey(image),
  );
  const placed = check.place(image, label ?? '', content, imageInfoOf(asset) ?? {});
  if (!placed.ok)
    throw new FormatParseError(file, 1, placed.field, placed.why, problemData(placed));
}

/** Fields of ours' or theirs' label that `value` lacks, in name order. */
function droppedFields(c: StoredConflict, value: LabelContent): DroppedField[] {
  const sides = (['ours', 'theirs'] as const).map((side) => {
    const v = displayValue(c[side] ?? null);
    return [side, v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []] as const;
  });
  const fields = new Map<string, ('ours' | 'theirs')[]>();
  for (const [side, keys] of sides)
    for (const k of keys) if (!(k in value)) fields.set(k, [...(fields.get(k) ?? []), side]);
  return [...fields]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([field, from]) => ({ field, from }));
}

/**
 * The value file holds the record as JSON (`null` deletes it). For a label it is the label's
 * content; its `image`/`label` members are ignored and a `review` member sets the review too.
 */
function readValueFile(
  file: string,
  isLabel: boolean,
): { value: string | null; review?: string | null; content?: LabelContent } {
  checkInputFile(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new FormatParseError(file, 1, null, `malformed JSON (${e.message})`);
    throw new InputFileError(file, (e as Error).message, e);
  }
  if (parsed === null) return { value: null };
  if (!isLabel) return { value: toHex(encodeValue(parsed)) };
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new FormatParseError(file, 1, null, 'expected a JSON object (the label content) or null');
  const { image: _i, label: _l, review, ...content } = parsed as Record<string, JsonValue>;
  void _i;
  void _l;
  return {
    content,
    value: toHex(encodeValue(content)),
    ...(review !== undefined
      ? { review: review === null ? null : toHex(encodeValue(review)) }
      : {}),
  };
}
