/**
 * CVAT for images 1.1 XML -> images and label contents (layer: formats). The file is parsed
 * whole (CVAT task exports are a few MB); a `<track>` (CVAT for video) is refused.
 *
 * Mapping (docs/formats.md, "CVAT"): `<image name width height subset>` -> image id (base name of
 * `name` without extension), asset, split (`subset`, except `default`). Shapes, in the order box,
 * polygon, polyline, points, ellipse, skeleton, tag (document order within each kind):
 * - common: `category` = `label` (declared in `<meta>` labels when the file declares any);
 *   `attributes`: `occluded` (boolean) and every `<attribute>` typed by its declaration
 *   (checkbox -> boolean, number -> number, else string); `z_order` and `group_id` when
 *   non-zero; `source`;
 * - box -> `bbox` [xtl, ytl, xbr - xtl, ybr - ytl] (+ `rotation` when non-zero);
 * - polygon -> `segmentation` [[x, y, ...]] + `bbox` (extent); polyline -> `polyline`
 *   [x, y, ...] + `bbox`; ellipse -> `ellipse` [cx, cy, rx, ry] + `bbox`;
 * - points -> `keypoints` [x, y, 2, ...] (v = 1 when occluded);
 * - skeleton -> `keypoints` in the order of its declared sub-labels (outside: 0, 0, 0;
 *   occluded: v = 1);
 * - tag -> a class tag (no geometry).
 * `mask` and `cuboid` shapes are refused. Problems: `FormatParseError(file, "<image> #3 (name
 * 'a.jpg') <polygon> #0", field, why)`. A project export whose tasks reuse frame names is
 * refused unless one task is chosen (`cvat-tasks.ts`). XML rules: `xml-document.ts`.
 */
import { XMLParser } from 'fast-xml-parser';
import type { JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { checkLabelGeometry } from '../../dataset/label-geometry.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { misfiledInputError } from '../file-kind.js';
import { parseXmlDocument, XML_PARSER_OPTIONS } from '../xml-document.js';
import { selectTask } from './cvat-tasks.js';
import { pointExtent } from '../../dataset/label-overlap.js';

export interface CvatShape {
  readonly record: string;
  readonly name: string;
  /** Content without `category_id`. */
  readonly content: LabelContent;
}

export interface CvatImage {
  readonly record: string;
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly subset?: string;
  readonly shapes: readonly CvatShape[];
}

export interface CvatFile {
  /** Declared label names in order (their 1-based position is the suggested category id). */
  readonly labels: readonly string[];
  readonly images: readonly CvatImage[];
}

export type Node = { [k: string]: unknown };
export interface LabelDecl {
  readonly attributes: ReadonlyMap<string, string>;
  readonly parts: string[];
}

const KINDS = ['box', 'polygon', 'polyline', 'points', 'ellipse', 'skeleton', 'tag'] as const;
const ARRAYS = new Set(['image', 'label', 'attribute', 'track', 'mask', 'cuboid', ...KINDS]);

export const parser = new XMLParser({
  ...XML_PARSER_OPTIONS,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  isArray: (name) => ARRAYS.has(name),
});

export interface CvatReadOptions {
  /** Read only the images of this task (`<image task_id>`): a project export, one task. */
  readonly task?: string;
}

export function parseCvat(text: string, file: string, opts: CvatReadOptions = {}): CvatFile {
  if (!text.trimStart().startsWith('<'))
    throw (
      misfiledInputError(file, 'cvat') ??
      new FormatParseError(file, 1, null, 'not XML (a CVAT export starts with <annotations>)')
    );
  const root = parseXmlDocument(text, file, parser)['annotations'];
  if (!isNode(root))
    throw (
      misfiledInputError(file, 'cvat') ??
      new FormatParseError(file, 'document', 'annotations', 'no <annotations> element')
    );
  if (list(root['track']).length > 0)
    throw new FormatParseError(
      file,
      '<track> #0',
      'track',
      'CVAT for video (tracks) is not supported: export the task as "CVAT for images 1.1"',
    );
  const decls = declaredLabels(root['meta']);
  const chosen = selectTask(root, list(root['image']), file, opts.task);
  const images = chosen.map(({ node, index }) => readImage(node, index, file, decls));
  return { labels: [...decls.keys()].filter((n) => !isPart(decls, n)), images };
}

export function declaredLabels(meta: unknown): Map<string, LabelDecl> {
  const out = new Map<string, LabelDecl>();
  const holders = isNode(meta) ? [meta['task'], meta['project'], meta['job'], meta] : [];
  for (const h of holders) {
    const labels = isNode(h) && isNode(h['labels']) ? list(h['labels']['label']) : [];
    for (const l of labels) {
      if (!isNode(l) || typeof l['name'] !== 'string' || out.has(l['name'])) continue;
      const attributes = new Map<string, string>();
      const attrs = isNode(l['attributes']) ? list(l['attributes']['attribute']) : [];
      for (const a of attrs)
        if (isNode(a) && typeof a['name'] === 'string')
          attributes.set(a['name'], String(a['input_type'] ?? 'text'));
      out.set(l['name'], { attributes, parts: [] });
      if (typeof l['parent'] === 'string') out.get(l['parent'])?.parts.push(l['name']);
    }
  }
  return out;
}

export const isPart = (decls: Map<string, LabelDecl>, name: string) =>
  [...decls.values()].some((d) => d.parts.includes(name));

function readImage(
  img: unknown,
  index: number,
  file: string,
  decls: Map<string, LabelDecl>,
): CvatImage {
  const node = isNode(img) ? img : {};
  const name = node['@name'];
  const base = `<image> #${index}`;
  if (typeof name !== 'string' || name === '')
    throw new FormatParseError(file, base, 'name', 'missing the image name');
  const record = `${base} (name '${name}')`;
  const [width, height] = (['@width', '@height'] as const).map((k) => {
    const v = Number(node[k]);
    if (!Number.isSafeInteger(v) || v <= 0)
      throw new FormatParseError(
        file,
        record,
        k.slice(1),
        `expected a positive integer, got '${String(node[k] ?? '')}'`,
      );
    return v;
  }) as [number, number];
  for (const k of ['mask', 'cuboid'])
    if (list(node[k]).length > 0)
      throw new FormatParseError(
        file,
        `${record} <${k}> #0`,
        k,
        `CVAT ${k} shapes are not supported`,
      );
  const shapes: CvatShape[] = [];
  for (const kind of KINDS)
    list(node[kind]).forEach((s, j) => {
      const where = `${record} <${kind}> #${j}`;
      const shape = readShape(kind, isNode(s) ? s : {}, where, file, decls);
      const problem = checkLabelGeometry(shape.content, { width, height });
      if (problem) throw new FormatParseError(file, where, problem.field, problem.why);
      shapes.push(shape);
    });
  const subset = node['@subset'];
  return {
    record,
    name,
    width,
    height,
    ...(typeof subset === 'string' && subset !== '' && subset !== 'default' ? { subset } : {}),
    shapes,
  };
}

function readShape(
  kind: (typeof KINDS)[number],
  s: Node,
  where: string,
  file: string,
  decls: Map<string, LabelDecl>,
): CvatShape {
  const fail = (field: string, why: string): never => {
    throw new FormatParseError(file, where, field, why);
  };
  const name = s['@label'];
  if (typeof name !== 'string' || name === '') return fail('label', 'missing the label');
  const decl = decls.get(name);
  if (decls.size > 0 && !decl)
    fail('label', `label '${name}' is not declared in the file's <meta> labels`);
  const num = (k: string) => {
    const v = Number(s[`@${k}`]);
    return Number.isFinite(v) ? v : fail(k, `expected a number, got '${String(s[`@${k}`] ?? '')}'`);
  };
  const out: { [k: string]: JsonValue } = { category: name };
  const attributes = readAttributes(s, decl, fail);
  if (kind === 'box') {
    const [x0, y0, x1, y1] = ['xtl', 'ytl', 'xbr', 'ybr'].map(num) as [
      number,
      number,
      number,
      number,
    ];
    out['bbox'] = [x0, y0, r6(x1 - x0), r6(y1 - y0)];
    if (s['@rotation'] !== undefined && num('rotation') !== 0) out['rotation'] = num('rotation');
  } else if (kind === 'polygon' || kind === 'polyline' || kind === 'points') {
    const pts = points(s['@points'], fail);
    if (kind === 'points')
      out['keypoints'] = pairs(pts).flatMap(([x, y]) => [x, y, attributes['occluded'] ? 1 : 2]);
    else {
      out[kind === 'polygon' ? 'segmentation' : 'polyline'] = kind === 'polygon' ? [pts] : pts;
      if (kind === 'polyline' && pts.length < 4)
        fail('points', `a polyline needs at least 2 points, got ${pts.length / 2}`);
      out['bbox'] = extent(pts);
    }
  } else if (kind === 'ellipse') {
    const [cx, cy, rx, ry] = ['cx', 'cy', 'rx', 'ry'].map(num) as [number, number, number, number];
    out['ellipse'] = [cx, cy, rx, ry];
    out['bbox'] = [r6(cx - rx), r6(cy - ry), r6(2 * rx), r6(2 * ry)];
  } else if (kind === 'skeleton') out['keypoints'] = skeletonKeypoints(s, decl, fail);
  if (Object.keys(attributes).length > 0) out['attributes'] = attributes;
  const z = s['@z_order'];
  if (z !== undefined && Number(z) !== 0) out['z_order'] = num('z_order');
  if (typeof s['@source'] === 'string') out['source'] = s['@source'];
  if (s['@group_id'] !== undefined && Number(s['@group_id']) !== 0)
    out['group_id'] = num('group_id');
  return { record: where, name, content: out };
}

export function readAttributes(
  s: Node,
  decl: LabelDecl | undefined,
  fail: (f: string, why: string) => never,
) {
  const out: { [k: string]: JsonValue } = {};
  if (s['@occluded'] !== undefined)
    out['occluded'] = s['@occluded'] === '1' || s['@occluded'] === 'true';
  for (const a of list(s['attribute'])) {
    const name = isNode(a) ? a['@name'] : undefined;
    if (typeof name !== 'string') return fail('attribute', 'an <attribute> without a name');
    const text = isNode(a) && a['#text'] !== undefined ? String(a['#text']) : '';
    const type = decl?.attributes.get(name);
    if (type === 'checkbox') out[name] = text === 'true';
    else if (type === 'number') {
      const v = Number(text);
      out[name] =
        Number.isFinite(v) && text !== ''
          ? v
          : fail(`attribute.${name}`, `expected a number, got '${text}'`);
    } else out[name] = text;
  }
  return out;
}

export function skeletonKeypoints(
  s: Node,
  decl: LabelDecl | undefined,
  fail: (f: string, why: string) => never,
): number[] {
  const children = list(s['points']).filter(isNode);
  const order = decl?.parts.length ? decl.parts : children.map((c) => String(c['@label']));
  const byName = new Map(children.map((c) => [String(c['@label']), c]));
  for (const name of byName.keys())
    if (!order.includes(name)) fail('points', `skeleton point '${name}' is not declared`);
  return order.flatMap((name) => {
    const c = byName.get(name);
    if (!c || c['@outside'] === '1') return [0, 0, 0];
    const [x, y] = points(c['@points'], fail);
    return [x!, y!, c['@occluded'] === '1' ? 1 : 2];
  });
}

export function points(v: unknown, fail: (f: string, why: string) => never): number[] {
  if (typeof v !== 'string' || v === '') return fail('points', 'missing');
  const out: number[] = [];
  for (const pair of v.split(';')) {
    const xy = pair.split(',').map(Number);
    if (xy.length !== 2 || !xy.every(Number.isFinite))
      fail('points', `'${pair}' is not an x,y pair`);
    out.push(xy[0]!, xy[1]!);
  }
  return out;
}

export const pairs = (p: readonly number[]) =>
  Array.from({ length: p.length / 2 }, (_, i) => [p[2 * i]!, p[2 * i + 1]!] as const);

function extent(p: readonly number[]): number[] {
  const [x, y, w, h] = pointExtent(p);
  return [x, y, r6(w), r6(h)];
}

export const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
export const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
