/**
 * A Label Studio JSON export (a list of tasks) -> images and labels (layer: formats). The file
 * is parsed whole (`JSON.parse`).
 *
 * Mapping (docs/formats.md, "Label Studio"): task -> image: `data.image` (else the first `data`
 * string that names an image file) -> image id = base name of the URL path without extension,
 * `file_name` = that string; size from the results' `original_width`/`original_height`. Every
 * result of every annotation that was not cancelled -> one label with id = the result's `id`
 * (a repeat within the task gets `@<annotation id>`), `annotator` = `completed_by` (its e-mail
 * when it is an object), `annotated_at` = the annotation's `updated_at` or `created_at`:
 * - rectanglelabels -> `bbox` (percent -> pixels) and `rotation` (degrees) when non-zero;
 * - polygonlabels -> `segmentation` [[x, y, ...]] + `bbox` (extent);
 * - keypointlabels -> `keypoints` [x, y, 2] (+ `attributes.parentID`);
 * - choices -> one class tag per choice (ids `<id>`, `<id>.1`, ...).
 * The first label name is the class; further names go to `attributes.labels`. `brushlabels` are
 * refused (Label Studio's own RLE is not read yet); other result types (relations, text areas,
 * ratings) and predictions are not imported. Shapes are checked (finite numbers, >= 3 polygon
 * points) but not against the image border, which Label Studio lets them cross. Video tasks
 * (`data.video`, `videorectangle` results) are refused as such; a document that is not a list
 * of tasks is refused with what it seems to be (`file-kind.ts`).
 */
import type { JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { jsonErrorText, jsonValueProblem } from '../../core/json-value-check.js';
import { checkLabelGeometry } from '../../dataset/label-geometry.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { LABEL_STUDIO_VIDEO, misfiledInputError } from '../file-kind.js';
import { pointExtent } from '../../dataset/label-overlap.js';

export interface LsLabel {
  readonly id: string;
  readonly name: string;
  /** Content without `category_id`. */
  readonly content: LabelContent;
}

export interface LsTask {
  readonly record: string;
  readonly source: string;
  readonly width?: number;
  readonly height?: number;
  readonly labels: readonly LsLabel[];
}

type Obj = { [k: string]: JsonValue };
const IMAGE_URL = /\.(jpe?g|png|bmp|webp|gif|tiff?)([?#].*)?$/i;
const LABEL_FIELD: Readonly<Record<string, string>> = {
  rectanglelabels: 'rectanglelabels',
  polygonlabels: 'polygonlabels',
  keypointlabels: 'keypointlabels',
  choices: 'choices',
};

/** The image id of a task's image URL or path: its last path segment without extension. */
export function lsImageId(source: string): string {
  const path = source.replace(/[?#].*$/, '');
  let name = path.slice(path.lastIndexOf('/') + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // not percent-encoded: keep as is
  }
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export function parseLabelStudio(text: string, file: string): LsTask[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw (
      misfiledInputError(file, 'label-studio') ??
      new FormatParseError(file, 'document', null, `malformed JSON (${jsonErrorText(e)})`)
    );
  }
  if (!Array.isArray(doc))
    throw (
      misfiledInputError(file, 'label-studio') ??
      new FormatParseError(file, 'document', null, 'expected a JSON list of tasks')
    );
  // Only a `\u` escape can make a lone surrogate (the text was checked UTF-8).
  const problem = jsonValueProblem(doc, { strings: text.includes('\\u') });
  if (problem) throw new FormatParseError(file, 'document', `tasks${problem.field}`, problem.why);
  return doc.map((t, i) => readTask(t as JsonValue, i, file));
}

function readTask(t: JsonValue, index: number, file: string): LsTask {
  const base = `tasks[${index}]`;
  const task = isObj(t) ? t : {};
  const record = typeof task['id'] === 'number' ? `${base} (id ${task['id']})` : base;
  const data = isObj(task['data']) ? task['data'] : {};
  if (isVideoTask(task, data))
    throw new FormatParseError(
      file,
      record,
      'data.video' in data ? 'data.video' : 'type',
      `this is ${LABEL_STUDIO_VIDEO.what}: ${LABEL_STUDIO_VIDEO.advice}`,
    );
  const source =
    typeof data['image'] === 'string'
      ? data['image']
      : Object.values(data).find((v): v is string => typeof v === 'string' && IMAGE_URL.test(v));
  if (!source) throw new FormatParseError(file, record, 'data.image', 'the task names no image');
  const labels: LsLabel[] = [];
  const seen = new Set<string>();
  let size: { width: number; height: number } | undefined;
  (Array.isArray(task['annotations']) ? task['annotations'] : []).forEach((a, ai) => {
    if (!isObj(a) || a['was_cancelled'] === true) return;
    const common = annotationFields(a);
    (Array.isArray(a['result']) ? a['result'] : []).forEach((r, ri) => {
      const where = `${record} annotations[${ai}].result[${ri}]`;
      const fail = (field: string, why: string): never => {
        throw new FormatParseError(file, where, field, why);
      };
      if (!isObj(r) || typeof r['type'] !== 'string' || !(r['type'] in LABEL_FIELD)) {
        if (isObj(r) && r['type'] === 'brushlabels')
          fail('type', 'brush masks are not supported yet');
        return;
      }
      const w = r['original_width'];
      const h = r['original_height'];
      if (typeof w === 'number' && typeof h === 'number') size = { width: w, height: h };
      const made = readResult(r, size, fail);
      made.forEach((m, k) => {
        let id = `${String(r['id'] ?? `r${ai}-${ri}`)}${k > 0 ? `.${k}` : ''}`;
        if (seen.has(id)) id = `${id}@${String(a['id'] ?? ai)}`;
        seen.add(id);
        const content = { ...m.content, ...common };
        // Shapes only: Label Studio lets them run past the border (and rotated boxes do).
        const problem = checkLabelGeometry(content);
        if (problem) fail(`value.${problem.field}`, problem.why);
        labels.push({ id, name: m.name, content });
      });
    });
  });
  return { record, source, ...(size ?? {}), labels };
}

function readResult(
  r: Obj,
  size: { width: number; height: number } | undefined,
  fail: (field: string, why: string) => never,
): { name: string; content: Obj }[] {
  const type = r['type'] as string;
  const v = isObj(r['value']) ? r['value'] : fail('value', 'missing');
  const names = v[LABEL_FIELD[type]!];
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string'))
    return fail(`value.${LABEL_FIELD[type]}`, 'no label name');
  if (type === 'choices')
    return (names as string[]).map((name) => ({ name, content: { category: name } }));
  if (!size) return fail('original_width', 'no image size to turn percentages into pixels');
  const num = (k: string) =>
    typeof v[k] === 'number' ? (v[k] as number) : fail(`value.${k}`, 'expected a number');
  const px = (p: number, dim: number) => Math.round(((p * dim) / 100) * 1e4) / 1e4;
  const content: Obj = { category: names[0] as string };
  if (names.length > 1) content['attributes'] = { labels: names.slice(1) };
  if (type === 'rectanglelabels') {
    content['bbox'] = [
      px(num('x'), size.width),
      px(num('y'), size.height),
      px(num('width'), size.width),
      px(num('height'), size.height),
    ];
    if (typeof v['rotation'] === 'number' && v['rotation'] !== 0)
      content['rotation'] = v['rotation'];
  } else if (type === 'polygonlabels') {
    const pts = Array.isArray(v['points']) ? v['points'] : fail('value.points', 'missing');
    const ring = pts.flatMap((p) =>
      Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === 'number')
        ? [px(p[0] as number, size.width), px(p[1] as number, size.height)]
        : fail('value.points', `expected [x, y] pairs, got ${JSON.stringify(p)}`),
    );
    content['segmentation'] = [ring];
    if (ring.length >= 6) content['bbox'] = extent(ring);
  } else {
    content['keypoints'] = [px(num('x'), size.width), px(num('y'), size.height), 2];
    if (typeof r['parentID'] === 'string')
      content['attributes'] = {
        ...(isObj(content['attributes']) ? content['attributes'] : {}),
        parentID: r['parentID'],
      };
  }
  return [{ name: names[0] as string, content }];
}

function annotationFields(a: Obj): Obj {
  const out: Obj = {};
  const by = a['completed_by'];
  if (typeof by === 'number' || typeof by === 'string') out['annotator'] = String(by);
  else if (isObj(by)) out['annotator'] = String(by['email'] ?? by['id'] ?? '');
  const at = a['updated_at'] ?? a['created_at'];
  if (typeof at === 'string') out['annotated_at'] = at;
  return out;
}

function extent(p: readonly number[]): number[] {
  const [x, y, w, h] = pointExtent(p);
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  return [x, y, r(w), r(h)];
}

/** A task of a video project: `data.video`, or results of a video type (`videorectangle`). */
function isVideoTask(task: Obj, data: Obj): boolean {
  if (typeof data['video'] === 'string') return true;
  const results = (Array.isArray(task['annotations']) ? task['annotations'] : []).flatMap((a) =>
    isObj(a) && Array.isArray(a['result']) ? a['result'] : [],
  );
  return results.some(
    (r) => isObj(r) && typeof r['type'] === 'string' && r['type'].startsWith('video'),
  );
}

const isObj = (v: JsonValue | undefined): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
