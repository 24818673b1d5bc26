/**
 * COCO detection results -> predictions (layer: formats).
 *
 * A results file is the list the COCO evaluation reads: `[{image_id, category_id, bbox, score},
 * ...]` (optionally `segmentation`, `keypoints`). Its ids are those of a COCO dataset file (the
 * `--coco FILE` of `predict import`), which maps `image_id` to a Verso image id (the base name
 * of `file_name`, as the COCO importer names images) and `category_id` to a class name.
 * A result has no id of its own, so a prediction's id is derived from its content (the first 16
 * hex digits of the SHA-256 of its canonical encoding): the set is the same whatever the order
 * of the list. Errors name the file, the line where the entry starts and the field.
 */
import { FormatParseError } from '../../core/errors.js';
import type { JsonValue } from '../../core/canonical.js';
import { sha256Hex } from '../../core/hash.js';
import { jsonErrorText } from '../../core/json-value-check.js';
import {
  checkPrediction,
  encodePredictionContent,
  type PredictionLine,
} from '../../dataset/prediction-line.js';
import { cocoImageId } from './coco-model.js';

type Obj = { [k: string]: JsonValue };

/** The id maps of a COCO dataset file. */
export interface CocoIdMap {
  readonly images: ReadonlyMap<string, string>;
  readonly categories: ReadonlyMap<string, string>;
}

const OPTIONAL_GEOMETRY = ['segmentation', 'keypoints', 'area', 'iscrowd'] as const;

/** The image and category id maps of the COCO dataset file `text`. */
export function readCocoIdMap(text: string, file: string): CocoIdMap {
  const doc = parseJson(text, file) as Obj;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new FormatParseError(file, 1, null, 'expected a COCO dataset object');
  const images = new Map<string, string>();
  const categories = new Map<string, string>();
  for (const [i, img] of listOf(doc, 'images', file).entries()) {
    if (typeof img['file_name'] !== 'string' || img['id'] === undefined)
      throw new FormatParseError(file, `images[${i}]`, null, 'expected id and file_name');
    images.set(String(img['id']), cocoImageId(img['file_name']));
  }
  for (const [i, cat] of listOf(doc, 'categories', file).entries()) {
    if (typeof cat['name'] !== 'string' || cat['id'] === undefined)
      throw new FormatParseError(file, `categories[${i}]`, null, 'expected id and name');
    categories.set(String(cat['id']), cat['name']);
  }
  return { images, categories };
}

/** The predictions of the results file `text`. */
export function parseCocoResults(text: string, file: string, ids: CocoIdMap): PredictionLine[] {
  const list = parseJson(text, file);
  if (!Array.isArray(list))
    throw new FormatParseError(file, 1, null, 'expected a JSON list of results');
  const lines = entryLines(text);
  return list.map((entry, i) => {
    const line = lines[i] ?? 1;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new FormatParseError(file, line, null, `result ${i}: expected an object`);
    const e = entry;
    const image = ids.images.get(String(e['image_id']));
    if (image === undefined)
      throw new FormatParseError(
        file,
        line,
        'image_id',
        `result ${i}: image ${JSON.stringify(e['image_id'] ?? null)} is not in the COCO file`,
      );
    const category = ids.categories.get(String(e['category_id']));
    if (category === undefined)
      throw new FormatParseError(
        file,
        line,
        'category_id',
        `result ${i}: unknown class ${JSON.stringify(e['category_id'] ?? null)} (not in the COCO file's categories)`,
      );
    const content: Obj = { category, category_id: e['category_id']!, score: e['score'] ?? null };
    if (e['bbox'] !== undefined) content['bbox'] = e['bbox'];
    for (const f of OPTIONAL_GEOMETRY) if (e[f] !== undefined) content[f] = e[f];
    const id = sha256Hex(encodePredictionContent({ record: content })).slice(0, 16);
    return checkPrediction({ image, prediction: id, ...content }, file, line);
  });
}

function parseJson(text: string, file: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new FormatParseError(file, 1, null, `malformed JSON (${jsonErrorText(e)})`);
  }
}

function listOf(doc: Obj, key: string, file: string): Obj[] {
  const v = doc[key];
  if (!Array.isArray(v)) throw new FormatParseError(file, 1, key, 'expected a list');
  return v as Obj[];
}

/** The 1-based line on which each top-level element of a JSON list starts. */
function entryLines(text: string): number[] {
  const out: number[] = [];
  let [line, depth, inString, expecting] = [1, 0, false, false];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    const space = c === 32 || c === 10 || c === 13 || c === 9;
    if (expecting && !space && c !== 93) {
      out.push(line);
      expecting = false;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) expecting = ++depth === 1;
    else if (c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 1) expecting = true;
  }
  return out;
}
