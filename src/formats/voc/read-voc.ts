/**
 * One Pascal VOC annotation XML -> image facts and label contents (layer: formats).
 *
 * Mapping (docs/formats.md, "Pascal VOC"):
 * - `<filename>` -> image id (base name without extension; the XML's own name when absent) and
 *   the asset's `file_name`; `<size>` width/height (0 or absent: unknown); `<folder>`,
 *   `<source>`, `<segmented>`, `<owner>`... are not kept;
 * - each `<object>` -> one label: `category` = `<name>`; `bbox` = [xmin, ymin, xmax - xmin,
 *   ymax - ymin] (pixels as written, no +1); `attributes`: `pose` (string), `truncated`,
 *   `difficult`, `occluded` (booleans from 0/1), `actions` ({name: boolean}), `parts`
 *   ([{name, bbox}]), and CVAT's `<attributes><attribute><name/><value/>` pairs (strings).
 * Problems are `FormatParseError(file, 'object[3]', field, why)`. The XML rules (no DTD, no
 * undefined entities, bounded nesting) are `xml-document.ts`'s; a file that is not a VOC
 * annotation is refused with what it seems to be (`file-kind.ts`).
 */
import { XMLParser } from 'fast-xml-parser';
import type { JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { checkLabelGeometry } from '../../dataset/label-geometry.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { misfiledInputError } from '../file-kind.js';
import { parseXmlDocument, XML_PARSER_OPTIONS } from '../xml-document.js';

export interface VocObject {
  readonly record: string;
  readonly name: string;
  /** Content without `category_id` (the importer resolves the name). */
  readonly content: LabelContent;
}

export interface VocAnnotation {
  readonly fileName: string | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly objects: readonly VocObject[];
}

type Node = { [k: string]: unknown };

const parser = new XMLParser({
  ...XML_PARSER_OPTIONS,
  ignoreAttributes: true,
  isArray: (name) => name === 'object' || name === 'part' || name === 'attribute',
});

export function parseVoc(text: string, file: string): VocAnnotation {
  const root = parseXml(text, file)['annotation'];
  if (!isNode(root))
    throw (
      misfiledInputError(file, 'voc') ??
      new FormatParseError(file, 'document', 'annotation', 'no <annotation> element')
    );
  const size = isNode(root['size']) ? root['size'] : {};
  const dim = (f: 'width' | 'height') => {
    const s = str(size[f]);
    if (s === undefined || s === '' || s === '0') return undefined;
    const v = Number(s);
    if (!Number.isSafeInteger(v) || v <= 0)
      throw new FormatParseError(file, 'size', f, `expected a positive integer, got '${s}'`);
    return v;
  };
  const [width, height] = [dim('width'), dim('height')];
  const objects = list(root['object']).map((o, i) =>
    parseObject(o, `object[${i}]`, file, width, height),
  );
  const fileName = str(root['filename']);
  return { fileName: fileName === '' ? undefined : fileName, width, height, objects };
}

/** The document, or what the file seems to be when it is not XML at all. */
function parseXml(text: string, file: string): Node {
  if (!text.trimStart().startsWith('<')) throw misfiledInputError(file, 'voc') ?? notXml(file);
  return parseXmlDocument(text, file, parser);
}

const notXml = (file: string) =>
  new FormatParseError(file, 1, null, 'not XML (a Pascal VOC annotation starts with <annotation>)');

function parseObject(
  o: unknown,
  record: string,
  file: string,
  width?: number,
  height?: number,
): VocObject {
  const fail = (field: string, why: string): never => {
    throw new FormatParseError(file, record, field, why);
  };
  if (!isNode(o)) return fail('object', 'expected an element');
  const name = str(o['name']);
  if (!name) return fail('name', 'missing the class <name>');
  const bbox = readBox(o['bndbox'], (why) => fail('bndbox', why));
  const attributes: { [k: string]: JsonValue } = {};
  const pose = str(o['pose']);
  if (pose) attributes['pose'] = pose;
  for (const f of ['truncated', 'difficult', 'occluded'] as const) {
    const v = flag(o[f]);
    if (v !== undefined) attributes[f] = v;
  }
  if (isNode(o['actions'])) {
    const actions: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(o['actions'])) actions[k] = flag(v) ?? str(v) ?? '';
    attributes['actions'] = actions;
  }
  const parts = list(o['part']).map((p, j) => ({
    name: (isNode(p) && str(p['name'])) || fail(`part[${j}].name`, 'missing'),
    bbox: readBox(isNode(p) ? p['bndbox'] : undefined, (why) => fail(`part[${j}].bndbox`, why)),
  }));
  if (parts.length > 0) attributes['parts'] = parts;
  const extra = isNode(o['attributes']) ? list(o['attributes']['attribute']) : [];
  for (const a of extra)
    if (isNode(a) && str(a['name'])) attributes[str(a['name'])!] = str(a['value']) ?? '';
  const content: LabelContent = {
    category: name,
    bbox,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
  const problem = checkLabelGeometry(content, width && height ? { width, height } : undefined);
  if (problem) fail('bndbox', problem.why);
  return { record, name, content };
}

function readBox(b: unknown, fail: (why: string) => never): number[] {
  if (!isNode(b)) return fail('missing <bndbox>');
  const v = (['xmin', 'ymin', 'xmax', 'ymax'] as const).map((k) => {
    const s = str(b[k]);
    const n = s === undefined || s === '' ? NaN : Number(s);
    if (!Number.isFinite(n)) fail(`<${k}> is '${s ?? ''}', not a number`);
    return n;
  }) as [number, number, number, number];
  if (v[2] < v[0] || v[3] < v[1])
    fail(`xmax/ymax (${v[2]}, ${v[3]}) lie before xmin/ymin (${v[0]}, ${v[1]})`);
  return [v[0], v[1], round(v[2] - v[0]), round(v[3] - v[1])];
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function flag(v: unknown): boolean | undefined {
  const s = str(v);
  if (s === '1' || s === 'true') return true;
  if (s === '0' || s === 'false') return false;
  return undefined;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
