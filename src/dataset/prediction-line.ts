/**
 * The native prediction interchange: one JSON object per line (layer: dataset), as the label
 * interchange (`label-line.ts`, whose id and geometry checks it reuses) with `prediction` (its
 * id within the image) instead of `label`, a required `score` (the top score, in [0, 1]) and an
 * optional `scores` (a probability in [0, 1] per class, `{"person": 0.7, "car": 0.2}`):
 *
 *   {"image": "2008_000008", "prediction": "0", "category": "horse",
 *    "bbox": [52, 86, 419, 334], "score": 0.91, "scores": {"horse": 0.91, "cow": 0.06}}
 *
 * `category` is a non-empty string; a `review` member is refused (a prediction is not a label).
 * The stored value is the canonical encoding of every member but `image` and `prediction`, so a
 * prediction's bytes depend only on what it says, never on the line's member order.
 * Errors are `FormatParseError(file, line, field, why)`.
 */
import { ByteWriter } from '../core/byte-writer.js';
import { writeObject, type JsonValue } from '../core/canonical.js';
import { FormatParseError } from '../core/errors.js';
import { jsonErrorText, jsonValueProblem } from '../core/json-value-check.js';
import { encodeLabelKey } from './label-key.js';
import { parseLineId, validateContent, type LabelContent } from './label-line.js';

export interface PredictionLine {
  readonly image: string;
  readonly prediction: string;
  /** Every member of the line; the stored content is all but `image` and `prediction`. */
  readonly record: LabelContent;
  readonly category: string;
  readonly line: number;
}

const RESERVED = new Set(['image', 'prediction']);

/** Parse one line of a prediction JSONL file. */
export function parsePredictionLine(text: string, file: string, line: number): PredictionLine {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new FormatParseError(file, line, null, `malformed JSON (${jsonErrorText(e)})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw new FormatParseError(file, line, null, 'expected a JSON object');
  const rec = obj as Record<string, JsonValue>;
  const problem = jsonValueProblem(rec, { strings: text.includes('\\u') });
  if (problem) throw new FormatParseError(file, line, problem.field || null, problem.why);
  if ('label' in rec && !('prediction' in rec))
    throw new FormatParseError(
      file,
      line,
      'label',
      'a prediction line names its id with "prediction", not "label"',
    );
  if ('review' in rec)
    throw new FormatParseError(file, line, 'review', 'a prediction has no review');
  return checkPrediction(rec, file, line);
}

/** Checks a prediction given as an object (from any input format) and returns it as a line. */
export function checkPrediction(
  rec: Record<string, JsonValue>,
  file: string,
  line: number,
): PredictionLine {
  const image = parseLineId(rec, 'image', file, line);
  const prediction = parseLineId(rec, 'prediction', file, line);
  const category = rec['category'];
  if (typeof category !== 'string' || category.length === 0)
    throw new FormatParseError(
      file,
      line,
      'category',
      `expected a non-empty class name, got ${JSON.stringify(category ?? null)}`,
    );
  validateContent(rec, file, line);
  checkProbability(rec['score'], file, line, 'score', true);
  const scores = rec['scores'];
  if (scores !== undefined) {
    if (typeof scores !== 'object' || scores === null || Array.isArray(scores))
      throw new FormatParseError(
        file,
        line,
        'scores',
        'expected an object of class -> probability',
      );
    if (Object.keys(scores).length === 0)
      throw new FormatParseError(file, line, 'scores', 'expected at least one class');
    for (const [cls, p] of Object.entries(scores))
      checkProbability(p, file, line, `scores.${cls}`, true);
  }
  return { image, prediction, record: rec, category, line };
}

function checkProbability(
  v: JsonValue | undefined,
  file: string,
  line: number,
  field: string,
  required: boolean,
): void {
  if (v === undefined && !required) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1)
    throw new FormatParseError(
      file,
      line,
      field,
      v === undefined
        ? 'missing required field (a probability in [0, 1])'
        : `expected a probability in [0, 1], got ${JSON.stringify(v)}`,
    );
}

/** The tree key of a prediction: the label key layout, (image, prediction). */
export function encodePredictionKey(p: Pick<PredictionLine, 'image' | 'prediction'>): Uint8Array {
  return encodeLabelKey(p.image, p.prediction);
}

/** The canonical encoding of the prediction's content (the line without image, prediction). */
export function encodePredictionContent(p: Pick<PredictionLine, 'record'>): Uint8Array {
  const w = new ByteWriter(256);
  writePredictionContent(w, p);
  return w.finish();
}

/** Appends `encodePredictionContent(p)` to `w`. */
export function writePredictionContent(w: ByteWriter, p: Pick<PredictionLine, 'record'>): void {
  writeObject(w, p.record, RESERVED);
}
