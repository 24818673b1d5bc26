/**
 * Streaming reader of COCO instances JSON (layer: formats).
 *
 * The file is framed (`json-framer.ts`), never parsed whole; each element of `images`,
 * `categories` and `annotations` is parsed on its own and mapped to Verso records:
 * - image -> asset: image id = base name of `file_name` without extension; the asset record is
 *   the COCO image minus `id`, plus `source_id` = the COCO id (every other field kept);
 * - annotation -> label: label id = String(annotation `id`); content = the annotation minus `id`,
 *   `image_id` and `review`, plus `category` = the category's name; `review` -> reviews tree.
 * Annotations need their images and categories, so when the file puts `annotations` first it
 * is read twice (pass 1: images and categories; pass 2: annotations). Every record is checked
 * (ids, references, geometry with the image size and the category's keypoint count, no lone
 * UTF-16 surrogate from a `\u` escape); a bad one throws `FormatParseError(file, 'annotations[12]
 * (id 345)', field, why)`. A file that is not an instances file (a results list, a panoptic
 * file, a Label Studio export, a JSONL label file...) is refused with what it seems to be and
 * the command that reads it (`file-kind.ts`).
 */
import type { JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { assetRecordFromJson, assetRecordProblem } from '../../dataset/asset-record.js';
import { checkLabelGeometry } from '../../dataset/label-geometry.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { jsonErrorText, jsonValueProblem } from '../../core/json-value-check.js';
import { COCO_PANOPTIC, kindError, misfiledInputError } from '../file-kind.js';
import { frameFile, JsonArrayFramer, JsonFrameError } from '../../io/json-framer.js';
import { cocoImageId, type CocoCategory } from './coco-model.js';

export interface CocoSink {
  image(image: string, asset: LabelContent, index: number): void;
  annotation(
    image: string,
    label: string,
    content: LabelContent,
    review: LabelContent | undefined,
    index: number,
  ): void;
}

export interface CocoReadResult {
  readonly categories: readonly CocoCategory[];
  readonly images: number;
  readonly annotations: number;
  /** COCO id of each image, by its index in `images` (for naming records in errors). */
  readonly imageSourceIds: readonly JsonValue[];
}

type Obj = { [k: string]: JsonValue };

const SECTION = { image: 'images', category: 'categories', annotation: 'annotations' } as const;

/** Fields of an annotation that are Verso's keys, not label content. */
const NOT_CONTENT = new Set(['id', 'image_id', 'review']);
/** Names the native interchange reserves; an annotation using one could not round-trip. */
const RESERVED = ['image', 'label', 'op'];

export function readCoco(file: string, sink: CocoSink): CocoReadResult {
  const state = new CocoState(file, sink);
  let deferred = false;
  const pass1: JsonArrayFramer = new JsonArrayFramer({
    frames: (key): boolean => {
      if (key !== 'annotations') return key === 'images' || key === 'categories';
      deferred = !(pass1.keys.includes('images') && pass1.keys.includes('categories'));
      return !deferred;
    },
    element: (key, index, bytes) => state.element(key, index, bytes),
  });
  frame(file, pass1);
  if (!pass1.keys.includes('images'))
    throw (
      misfiledInputError(file, 'coco') ??
      new FormatParseError(file, 'top level', 'images', 'missing the "images" array')
    );
  if (deferred) {
    const pass2 = new JsonArrayFramer({
      frames: (key) => key === 'annotations',
      element: (key, index, bytes) => state.element(key, index, bytes),
    });
    frame(file, pass2);
  }
  return state.result();
}

function frame(file: string, framer: JsonArrayFramer): void {
  try {
    frameFile(file, framer);
  } catch (e) {
    if (!(e instanceof JsonFrameError)) throw e;
    // Not inside an element: the document may not be a COCO object at all; say what it is.
    const misfiled = /\[\d+\]$/.test(e.where) ? undefined : misfiledInputError(file, 'coco');
    throw (
      misfiled ??
      new FormatParseError(file, e.where || 'document', null, `${e.why} (byte ${e.offset})`)
    );
  }
}

class CocoState {
  private readonly imageIndex = new Map<JsonValue, number>();
  private readonly imageNames: string[] = [];
  private readonly widths: number[] = [];
  private readonly heights: number[] = [];
  private readonly sourceIds: JsonValue[] = [];
  private readonly categories = new Map<JsonValue, CocoCategory>();
  private annotations = 0;

  constructor(
    private readonly file: string,
    private readonly sink: CocoSink,
  ) {}

  element(key: string, index: number, bytes: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      this.fail(`${key}[${index}]`, null, `malformed JSON (${jsonErrorText(e)})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(`${key}[${index}]`, null, 'expected a JSON object');
    const obj = value as Obj;
    // Only a `\u` escape can make a lone surrogate (the bytes were checked UTF-8).
    const problem = jsonValueProblem(obj, { strings: bytes.includes('\\u') });
    if (problem) this.fail(recordName(key, index, obj), problem.field || null, problem.why);
    if (key === 'images') this.image(obj, index);
    else if (key === 'categories') this.category(obj, index);
    else this.annotation(obj, index);
  }

  result(): CocoReadResult {
    return {
      categories: [...this.categories.values()],
      images: this.imageNames.length,
      annotations: this.annotations,
      imageSourceIds: this.sourceIds,
    };
  }

  private image(img: Obj, index: number): void {
    const { id, where } = this.recordId('image', img, index, this.imageIndex);
    const fileName = img['file_name'];
    if (typeof fileName !== 'string' || fileName.length === 0)
      this.fail(where, 'file_name', 'expected a non-empty string');
    const name = cocoImageId(fileName);
    if (!name) this.fail(where, 'file_name', `no image id in file name '${fileName}'`);
    for (const f of ['width', 'height'] as const) {
      const v = img[f];
      if (v !== undefined && !(typeof v === 'number' && Number.isSafeInteger(v) && v > 0))
        this.fail(where, f, `expected a positive integer, got ${JSON.stringify(v)}`);
    }
    const asset: Obj = {};
    for (const k in img) if (k !== 'id') asset[k] = img[k]!;
    asset['source_id'] = id;
    const problem = assetProblem(asset);
    if (problem) this.fail(where, problem.field, problem.why);
    this.imageIndex.set(id, this.imageNames.length);
    this.imageNames.push(name);
    this.widths.push((img['width'] as number | undefined) ?? 0);
    this.heights.push((img['height'] as number | undefined) ?? 0);
    this.sourceIds.push(id);
    this.sink.image(name, asset, index);
  }

  private category(cat: Obj, index: number): void {
    const { id, where } = this.recordId('category', cat, index, this.categories);
    if (typeof cat['name'] !== 'string') this.fail(where, 'name', 'expected a string');
    const kp = cat['keypoints'];
    if (kp !== undefined && !(Array.isArray(kp) && kp.every((k) => typeof k === 'string')))
      this.fail(where, 'keypoints', 'expected an array of keypoint names');
    this.categories.set(id, cat as CocoCategory);
  }

  private annotation(a: Obj, index: number): void {
    if ('segments_info' in a) throw kindError(this.file, COCO_PANOPTIC, 'coco');
    const { id, where } = this.recordId('annotation', a, index);
    const img = this.imageIndex.get(a['image_id'] ?? null);
    if (img === undefined) this.fail(where, 'image_id', noRecord('image', a['image_id']));
    const cat = this.categories.get(a['category_id'] ?? null);
    if (!cat) this.fail(where, 'category_id', noRecord('category', a['category_id']));
    const review = a['review'];
    if (
      review !== undefined &&
      review !== null &&
      (typeof review !== 'object' || Array.isArray(review))
    )
      this.fail(where, 'review', 'expected an object or null');
    const content: Obj = {};
    for (const k in a) {
      if (NOT_CONTENT.has(k)) continue;
      if (RESERVED.includes(k))
        this.fail(where, k, `'${k}' is reserved by Verso's label interchange`);
      content[k] = a[k]!;
    }
    content['category'] = cat.name;
    const w = this.widths[img]!;
    const h = this.heights[img]!;
    const problem = checkLabelGeometry(
      content,
      w > 0 && h > 0 ? { width: w, height: h } : undefined,
      cat.keypoints?.length || undefined, // an empty list (datumaro fixtures) says nothing
    );
    if (problem) this.fail(where, problem.field, problem.why);
    this.annotations++;
    const r = (review ?? undefined) as LabelContent | undefined;
    this.sink.annotation(this.imageNames[img]!, String(id), content, r, index);
  }

  /** The record's `id` (checked, and unique when `seen` is given) and its name for messages. */
  private recordId(
    kind: 'image' | 'category' | 'annotation',
    obj: Obj,
    index: number,
    seen?: ReadonlyMap<JsonValue, unknown>,
  ): { id: number | string; where: string } {
    const id = obj['id'];
    const where = `${SECTION[kind]}[${index}]${idText(id)}`;
    if (!isId(id)) this.fail(where, 'id', 'expected a non-negative integer or a string id');
    if (seen?.has(id)) this.fail(where, 'id', `${kind} id ${JSON.stringify(id)} given twice`);
    return { id, where };
  }

  private fail(where: string, field: string | null, why: string): never {
    throw new FormatParseError(this.file, where, field, why);
  }
}

/** What `assets` readers would reject in this record (e.g. a width without a height). */
function assetProblem(asset: Obj): { field: string; why: string } | undefined {
  return assetRecordProblem(assetRecordFromJson(asset));
}

const isId = (v: JsonValue | undefined): v is number | string =>
  (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) ||
  (typeof v === 'string' && v.length > 0);

const noRecord = (kind: string, id: JsonValue | undefined) =>
  id === undefined ? 'missing required field' : `no ${kind} with id ${JSON.stringify(id)}`;

const recordName = (key: string, index: number, obj: Obj) => `${key}[${index}]${idText(obj['id'])}`;

const idText = (id: JsonValue | undefined) =>
  typeof id === 'number' || typeof id === 'string' ? ` (id ${JSON.stringify(id)})` : '';
