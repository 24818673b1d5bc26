/**
 * CVAT 1.1 shape elements from Verso records (layer: formats): a track's shape at one frame
 * (CVAT for video) and an image label (CVAT for images), each written so that
 * `read-cvat-video.ts` / `read-cvat.ts` read back the record it came from. Pure.
 *
 * - box `bbox` [x, y, w, h] -> xtl, ytl, xbr, ybr (+ `rotation`); polygon `segmentation` (one
 *   ring) -> `points`; `polyline`; `ellipse` [cx, cy, rx, ry]; keypoints -> `<points>` when
 *   every point has one visibility (2, or 1 on an occluded label), else a `<skeleton>` of
 *   point sub-labels (v 0: outside, 1: occluded, 2: visible); a class without geometry ->
 *   `<tag>`;
 * - `occluded` (a keyframe's flag, an image label's `attributes.occluded`), `outside`,
 *   `z_order`, `source`, `group_id`, and every other attribute as an `<attribute>` child.
 * Stored numbers are written exactly (`exactNumber`; a box's right and bottom edges as the
 * shortest number whose difference from the left / top edge reads back as the stored width /
 * height); an interpolated track shape is written as CVAT writes it, 2 decimals.
 * `trackShapeProblem` / `imageShapeKind` say beforehand what cannot be written.
 */
import type { JsonValue } from '../../core/canonical.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { labelKind } from '../../dataset/label-geometry.js';
import type { KeyframeRecord, TrackShape } from '../../dataset/track-record.js';
import { attributeText } from './cvat-label-set.js';
import {
  cvatNumber,
  element,
  exactNumber,
  pointList,
  xmlText,
  type XmlAttributes,
} from './write-cvat-xml.js';

type Attributes = { readonly [k: string]: JsonValue };
type Num = (x: number) => string;

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The far edge x + w as the shortest text that reads back as width w (`r6(end - x)`). */
export function boxEnd(x: number, w: number): string {
  const short = r6(x + w);
  return String(r6(short - x) === w ? short : x + w);
}

const flag = (on: boolean | undefined) => (on ? '1' : '0');

const attributeChildren = (attributes: Attributes | undefined): string =>
  attributes === undefined
    ? ''
    : Object.entries(attributes)
        .map(([name, v]) => element('attribute', [['name', name]], xmlText(attributeText(v))))
        .join('');

function boxGeometry(bbox: readonly number[], exact: boolean): XmlAttributes {
  const [x, y, w, h] = bbox as [number, number, number, number];
  if (!exact)
    return [
      ['xtl', cvatNumber(x)],
      ['ytl', cvatNumber(y)],
      ['xbr', cvatNumber(x + w)],
      ['ybr', cvatNumber(y + h)],
    ];
  return [
    ['xtl', exactNumber(x)],
    ['ytl', exactNumber(y)],
    ['xbr', boxEnd(x, w)],
    ['ybr', boxEnd(y, h)],
  ];
}

/** `<points>` children of a skeleton: one per declared part, in keypoint order. */
function skeletonPoints(
  keypoints: readonly number[],
  parts: readonly string[],
  num: Num,
  keyframe?: boolean,
): string {
  return parts
    .map((label, i) => {
      const [x, y, v] = [keypoints[3 * i]!, keypoints[3 * i + 1]!, keypoints[3 * i + 2]!];
      return element('points', [
        ['label', label],
        ...(keyframe === undefined ? [] : ([['keyframe', flag(keyframe)]] as const)),
        ['outside', flag(v === 0)],
        ['occluded', flag(v === 1)],
        ['points', pointList([x, y], num)],
      ]);
    })
    .join('');
}

/** Why a keyframe of a `shape` track cannot be written as CVAT, or undefined. */
export function trackShapeProblem(shape: TrackShape, r: KeyframeRecord): string | undefined {
  if (shape === 'polygon' && r.segmentation?.length !== 1)
    return `a CVAT polygon is one ring, this keyframe has ${r.segmentation?.length ?? 0}`;
  if (shape === 'points' && r.keypoints?.some((v, i) => i % 3 === 2 && v !== 2))
    return 'a CVAT points shape has only visible points (v = 2); use a skeleton track for others';
  return undefined;
}

export interface TrackShapeAt {
  readonly frame: number;
  readonly record: KeyframeRecord;
  /** Written keyframe="1". */
  readonly keyframe: boolean;
  /** Stored numbers (written exactly) rather than interpolated ones (2 decimals). */
  readonly exact: boolean;
}

/**
 * One `<box>` / `<points>` / `<polygon>` / `<polyline>` / `<skeleton>` of a track. Built as
 * one string (a video's export writes a million of these; its values are numbers and flags,
 * which need no escaping, and attributes, which are escaped).
 */
export function trackShapeXml(
  shape: TrackShape,
  s: TrackShapeAt,
  parts: readonly string[],
): string {
  const r = s.record;
  const num = s.exact ? exactNumber : cvatNumber;
  let geometry: string;
  let children = attributeChildren(r.attributes);
  if (shape === 'box') {
    const [x, y, w, h] = r.bbox as [number, number, number, number];
    geometry = s.exact
      ? ` xtl="${exactNumber(x)}" ytl="${exactNumber(y)}" xbr="${boxEnd(x, w)}" ybr="${boxEnd(y, h)}"`
      : ` xtl="${num(x)}" ytl="${num(y)}" xbr="${num(x + w)}" ybr="${num(y + h)}"`;
  } else if (shape === 'skeleton') {
    geometry = '';
    children = skeletonPoints(r.keypoints!, parts, num, s.keyframe) + children;
  } else {
    const xy =
      shape === 'points'
        ? xyOf(r.keypoints!)
        : shape === 'polygon'
          ? r.segmentation![0]!
          : r.polyline!;
    geometry = ` points="${pointList(xy, num)}"`;
  }
  const open =
    `<${shape} frame="${s.frame}" keyframe="${flag(s.keyframe)}" outside="${flag(r.outside)}"` +
    ` occluded="${flag(r.occluded)}"${geometry} z_order="${r.z_order ?? 0}"`;
  return children === '' ? `${open}/>` : `${open}>${children}</${shape}>`;
}

const xyOf = (keypoints: readonly number[]) => keypoints.filter((_, i) => i % 3 !== 2);

/** The CVAT element an image label is written as, or undefined when it has none. */
export type ImageShapeKind =
  | { readonly kind: 'box' | 'polygon' | 'polyline' | 'ellipse' | 'points' | 'tag' }
  | { readonly kind: 'skeleton'; readonly points: number };

export function imageShapeKind(c: LabelContent): ImageShapeKind | undefined {
  switch (labelKind(c)) {
    case 'keypoints': {
      const kp = numbers(c['keypoints']);
      if (!kp || kp.length % 3 !== 0) return undefined;
      const v = occludedOf(c) ? 1 : 2;
      return kp.every((x, i) => i % 3 !== 2 || x === v)
        ? { kind: 'points' }
        : { kind: 'skeleton', points: kp.length / 3 };
    }
    case 'polygon': {
      const rings = c['segmentation'] as JsonValue[];
      return rings.length === 1 && numbers(rings[0]) ? { kind: 'polygon' } : undefined;
    }
    case 'box':
      if (numbers(c['polyline'])) return { kind: 'polyline' };
      if (numbers(c['ellipse'])?.length === 4) return { kind: 'ellipse' };
      return numbers(c['bbox'])?.length === 4 ? { kind: 'box' } : undefined;
    case 'tag':
      return { kind: 'tag' };
    default:
      return undefined;
  }
}

/** The attributes an image label writes as `<attribute>` children (all but a boolean `occluded`). */
export function imageAttributes(c: LabelContent): Attributes | undefined {
  const a = c['attributes'];
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return undefined;
  if (typeof a['occluded'] !== 'boolean') return a;
  const { occluded: _o, ...rest } = a;
  return rest;
}

/** One shape element of an `<image>`; `kind` from `imageShapeKind`. */
export function imageShapeXml(
  label: string,
  c: LabelContent,
  kind: ImageShapeKind,
  parts: readonly string[],
): string {
  const common: XmlAttributes = [
    ['label', label],
    ['source', typeof c['source'] === 'string' ? c['source'] : undefined],
    // The reader sets `attributes.occluded` whenever the attribute is there: only when stored.
    ['occluded', occludedField(c)],
  ];
  const tail: XmlAttributes = [
    ['z_order', kind.kind === 'tag' ? undefined : numberOr(c['z_order'], 0)],
    ['group_id', numberOr(c['group_id'], undefined)],
  ];
  const attributes = attributeChildren(imageAttributes(c));
  const geometry = (): XmlAttributes => {
    switch (kind.kind) {
      case 'box': {
        const rotation = numberOr(c['rotation'], undefined);
        return [...boxGeometry(numbers(c['bbox'])!, true), ['rotation', rotation]];
      }
      case 'polygon':
        return [['points', pointList((c['segmentation'] as number[][])[0]!, exactNumber)]];
      case 'polyline':
        return [['points', pointList(numbers(c['polyline'])!, exactNumber)]];
      case 'ellipse': {
        const [cx, cy, rx, ry] = numbers(c['ellipse'])!.map(exactNumber);
        return [
          ['cx', cx],
          ['cy', cy],
          ['rx', rx],
          ['ry', ry],
        ];
      }
      case 'points':
        return [['points', pointList(xyOf(numbers(c['keypoints'])!), exactNumber)]];
      default:
        return [];
    }
  };
  const children =
    kind.kind === 'skeleton' ? skeletonPoints(numbers(c['keypoints'])!, parts, exactNumber) : '';
  return element(kind.kind, [...common, ...geometry(), ...tail], children + attributes);
}

const numbers = (v: JsonValue | undefined): number[] | undefined =>
  Array.isArray(v) && v.every((n) => typeof n === 'number') ? (v as number[]) : undefined;
const numberOr = <T>(v: JsonValue | undefined, fallback: T): number | T =>
  typeof v === 'number' ? v : fallback;
const occludedOf = (c: LabelContent): boolean => occludedField(c) === '1';
function occludedField(c: LabelContent): string | undefined {
  const a = c['attributes'];
  const o = typeof a === 'object' && a !== null && !Array.isArray(a) ? a['occluded'] : undefined;
  return typeof o === 'boolean' ? flag(o) : undefined;
}
