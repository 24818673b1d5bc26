/**
 * The native label interchange: one JSON object per line (layer: dataset).
 *
 * A label line is `{"image": ID, "label": ID, ...content, "review": {...}|null}`; an edit line
 * adds `"op": "put"|"patch"|"delete"` (a delete needs only image and label). `image` and `label`
 * are non-empty strings of at most 1 KiB of UTF-8 (`label-key.ts`; integers are accepted and read
 * as their decimal string). The `review` object goes to the reviews tree, everything else of the
 * label to the labels tree. In an edit, a put without `review` leaves the stored review as it
 * is; `"review": null` removes it. A patch holds a JSON merge patch (RFC 7396, `merge-patch.ts`)
 * of the stored label: its members (`null` removes one) and, in `review`, of the stored review
 * (`null` removes the review).
 * Errors name the file, the line and the field (see docs/formats.md). Values nested deeper than
 * `MAX_NESTING`, lone UTF-16 surrogates (`"\ud800"`) and infinities (`1e400`) are refused with
 * their field (`core/json-value-check.ts`): here for edit batches and `\u` escapes, else by the
 * encoder and then described by `unstorableLine` (the import's hot path walks nothing).
 */
import { ByteWriter } from '../core/byte-writer.js';
import { writeObject, type JsonValue } from '../core/canonical.js';
import { FormatParseError } from '../core/errors.js';
import { jsonErrorText, jsonValueProblem } from '../core/json-value-check.js';
import { idTooLong } from './label-key.js';

export type LabelContent = { readonly [field: string]: JsonValue };

export interface LabelPut {
  readonly op: 'put';
  readonly image: string;
  readonly label: string;
  /** The whole parsed line; the label content is every member but op, image, label, review. */
  readonly record: LabelContent;
  /** undefined: not given (keep); null: remove; object: the review. */
  readonly review: LabelContent | null | undefined;
  readonly line: number;
}

export interface LabelDelete {
  readonly op: 'delete';
  readonly image: string;
  readonly label: string;
  readonly line: number;
}

/** A JSON merge patch of a stored label (and its review); applied by `apply`. */
export interface LabelPatch {
  readonly op: 'patch';
  readonly image: string;
  readonly label: string;
  /** The whole parsed line; the patch of the content is every member but op, image, label, review. */
  readonly record: LabelContent;
  /** undefined: not given (keep); null: remove; object: a merge patch of the review. */
  readonly review: LabelContent | null | undefined;
  readonly line: number;
}

export type LabelOp = LabelPut | LabelPatch | LabelDelete;

const RESERVED = new Set(['op', 'image', 'label', 'review']);

/** Parse one line; `edits` allows (and requires) the `op` field. */
export function parseLabelLine(text: string, file: string, line: number, edits: boolean): LabelOp {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new FormatParseError(file, line, null, `malformed JSON (${jsonErrorText(e)})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new FormatParseError(file, line, null, 'expected a JSON object');
  }
  const rec = obj as Record<string, JsonValue>;
  // Edit batches are checked here. A label file's lines are checked by the encoder (the import's
  // hot path): only one whose `\u` escape may make a lone surrogate is walked here; anything
  // else the encoder refuses is described by `unstorableLine`. (The text itself is UTF-8.)
  const escapes = text.includes('\\u');
  if (edits || escapes) {
    const problem = jsonValueProblem(rec, { strings: escapes });
    if (problem) throw new FormatParseError(file, line, problem.field || null, problem.why);
  }
  const op = parseOp(rec, file, line, edits);
  const image = parseLineId(rec, 'image', file, line);
  const label = parseLineId(rec, 'label', file, line);
  if (op === 'delete') return { op, image, label, line };
  if (op === 'patch')
    return { op, image, label, record: rec, review: parseReview(rec, file, line, true), line };
  validateContent(rec, file, line);
  return { op, image, label, record: rec, review: parseReview(rec, file, line), line };
}

/**
 * A line that parsed as JSON but holds a value Verso cannot store (±Infinity, lone surrogates,
 * nesting past MAX_NESTING): with the line's `record`, the error names the field.
 */
export function unstorableLine(
  e: unknown,
  file: string,
  line: number,
  record?: LabelContent,
): Error {
  if (e instanceof FormatParseError) return e;
  const problem = record && jsonValueProblem(record);
  if (problem) return new FormatParseError(file, line, problem.field || null, problem.why);
  const why =
    e instanceof RangeError ? 'value nested too deeply' : ((e as Error)?.message ?? String(e));
  return new FormatParseError(file, line, null, `cannot store this label: ${why}`);
}

/** Append the canonical encoding of the label content (the record without its reserved members). */
export function writeLabelContent(w: ByteWriter, put: Pick<LabelPut, 'record'>): void {
  writeObject(w, put.record, RESERVED);
}

export function encodeLabelContent(put: LabelPut): Uint8Array {
  const w = new ByteWriter(512);
  writeObject(w, put.record, RESERVED);
  return w.finish();
}

function parseOp(
  rec: Record<string, JsonValue>,
  file: string,
  line: number,
  edits: boolean,
): LabelOp['op'] {
  const op = rec['op'];
  if (!edits) {
    if (op === undefined || op === 'put') return 'put';
    throw new FormatParseError(
      file,
      line,
      'op',
      `a label file holds labels, not edit ops (got op ${JSON.stringify(op)}); edit ops are applied as an edit batch`,
      { reader: 'edits' },
    );
  }
  if (op === 'put' || op === 'patch' || op === 'delete') return op;
  if (op === undefined)
    throw new FormatParseError(
      file,
      line,
      'op',
      'missing required field (expected "put", "patch" or "delete")',
    );
  throw new FormatParseError(
    file,
    line,
    'op',
    `unknown op ${JSON.stringify(op)} (expected "put", "patch" or "delete")`,
  );
}

/** An id member (`image`, `label`, a prediction's `prediction`) of a parsed line. */
export function parseLineId(
  rec: Record<string, JsonValue>,
  field: string,
  file: string,
  line: number,
): string {
  const v = rec[field];
  if (v === undefined || v === null)
    throw new FormatParseError(file, line, field, 'missing required field');
  if (typeof v === 'string' && v.length > 0) {
    if (!v.isWellFormed())
      throw new FormatParseError(file, line, field, 'id contains a lone UTF-16 surrogate');
    const tooLong = idTooLong(v);
    if (tooLong !== undefined) throw new FormatParseError(file, line, field, tooLong);
    return v;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  throw new FormatParseError(
    file,
    line,
    field,
    `expected a non-empty string id, got ${JSON.stringify(v)}`,
  );
}

/** The review member; in a patch, `status: null` (removing it) is allowed. */
function parseReview(
  rec: Record<string, JsonValue>,
  file: string,
  line: number,
  patch = false,
): LabelContent | null | undefined {
  if (!('review' in rec)) return undefined;
  const r = rec['review'];
  if (r === null) return null;
  if (typeof r !== 'object' || Array.isArray(r))
    throw new FormatParseError(file, line, 'review', 'expected an object or null');
  const status = r['status'];
  if (patch && status === null) return r;
  if (status !== undefined && (typeof status !== 'string' || status.length === 0)) {
    throw new FormatParseError(file, line, 'review.status', 'expected a non-empty string');
  }
  return r;
}

/** Checks the content's geometry members that every line must get right (`bbox`). */
export function validateContent(content: LabelContent, file: string, line: number): void {
  const bbox = content['bbox'];
  if (bbox === undefined) return;
  const ok =
    Array.isArray(bbox) &&
    bbox.length === 4 &&
    bbox.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    (bbox[2] as number) >= 0 &&
    (bbox[3] as number) >= 0;
  if (!ok)
    throw new FormatParseError(
      file,
      line,
      'bbox',
      `expected [x, y, width, height] with width, height >= 0, got ${JSON.stringify(bbox)}`,
    );
}
