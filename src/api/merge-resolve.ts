/**
 * `verso merge status` and `verso merge resolve` (layer: api).
 *
 * Status lists each conflict of a branch's pending merge with its base/ours/theirs values
 * decoded. Resolve records a decision (who, when) for one conflict, for every conflict of one
 * label (`IMAGE/LABEL` matches its labels and reviews conflicts), or for all undecided ones;
 * the pending merge is replaced by version compare-and-swap, so concurrent resolvers never lose
 * a decision. Deciding again replaces the earlier decision until `merge commit`.
 */
import { readFileSync } from 'node:fs';
import { encodeValue, type JsonValue } from '../core/canonical.js';
import {
  FormatParseError,
  InputFileError,
  InvalidArgumentError,
  UnknownConflictError,
} from '../core/errors.js';
import { checkInputFile } from '../io/input-file.js';
import { currentAuthor, currentTime } from './identity.js';
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
import type { Repository } from './repository.js';

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

export async function resolveConflicts(
  repo: Repository,
  opts: ResolveOptions,
): Promise<{ resolved: readonly string[]; undecided: number }> {
  const { state, version } = await loadPendingMerge(repo, opts.into);
  const targets = pickTargets(state, opts);
  const decision = { by: currentAuthor(), at: currentTime() };
  const resolved: string[] = [];
  const conflicts = state.conflicts.map((c) => {
    if (!targets.has(c.id)) return c;
    resolved.push(c.id);
    return { ...c, resolution: { ...decisionFor(c, opts), ...decision } };
  });
  const next: PendingMerge = { ...state, conflicts };
  await savePendingMerge(repo, next, version);
  return { resolved, undecided: conflicts.filter((c) => !isDecided(c)).length };
}

function pickTargets(state: PendingMerge, opts: ResolveOptions): Set<string> {
  if (opts.all) {
    if (opts.choice === 'value')
      throw new InvalidArgumentError('resolution', '--value', 'cannot be used with --all');
    return new Set(state.conflicts.filter((c) => !isDecided(c)).map((c) => c.id));
  }
  const id = opts.id;
  if (!id) throw new InvalidArgumentError('conflict', '', 'name a conflict id or use --all');
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

function decisionFor(
  c: StoredConflict,
  opts: ResolveOptions,
): Pick<Resolution, 'choice' | 'value' | 'review'> {
  if (opts.choice === 'both' && c.type !== 'duplicate')
    throw new InvalidArgumentError(
      'resolution',
      '--both',
      `applies to possible duplicates, not to '${c.id}'`,
    );
  if (opts.choice !== 'value') return { choice: opts.choice };
  if (c.type !== 'key')
    throw new InvalidArgumentError(
      'resolution',
      '--value',
      `applies to record conflicts, not to '${c.id}'`,
    );
  return { choice: 'value', ...readValueFile(opts.valueFile!, c.tree === 'labels') };
}

/**
 * The value file holds the record as JSON (`null` deletes it). For a label it is the label's
 * content; its `image`/`label` members are ignored and a `review` member sets the review too.
 */
function readValueFile(
  file: string,
  isLabel: boolean,
): { value: string | null; review?: string | null } {
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
  const { image: _i, label: _l, review, ...content } = parsed as Record<string, unknown>;
  void _i;
  void _l;
  return {
    value: toHex(encodeValue(content)),
    ...(review !== undefined
      ? { review: review === null ? null : toHex(encodeValue(review)) }
      : {}),
  };
}
