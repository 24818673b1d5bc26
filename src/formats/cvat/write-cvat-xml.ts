/**
 * The text of a CVAT 1.1 XML export (layer: formats): escaping, elements, numbers and the
 * document's head (`<version>` and `<meta><task>`, what `read-cvat.ts` and
 * `read-cvat-video.ts` read back) and tail. Pure; the exporters stream the pieces.
 *
 * Numbers: `exactNumber` writes a stored number so that it parses back to the same number
 * (shortest form); `cvatNumber` (2 decimals) is for shapes CVAT itself computes (interpolated
 * frames). Text is escaped for XML 1.0 (`&`, `<`, `>`, and in attributes `"` and the
 * whitespace characters a parser would normalize to spaces).
 */
export { cvatNumber } from './cvat-video-numbers.js';

const TEXT_SPECIAL = /[&<>\r]/;
const ATTRIBUTE_SPECIAL = /[&<>\r"\t\n]/;

export const xmlText = (s: string): string =>
  TEXT_SPECIAL.test(s)
    ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
    : s;

export const xmlAttribute = (s: string): string =>
  ATTRIBUTE_SPECIAL.test(s)
    ? xmlText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;')
    : s;

/** A stored number as text that reads back as the same number. */
export const exactNumber = (x: number): string => String(x);

/** Attribute values in order; an undefined value is not written. */
export type XmlAttributes = readonly (readonly [string, string | number | undefined])[];

/** `<name a="1" b="2"` (no closing bracket). */
export function openTag(name: string, attrs: XmlAttributes): string {
  let out = `<${name}`;
  for (const [k, v] of attrs)
    if (v !== undefined) out += ` ${k}="${typeof v === 'number' ? v : xmlAttribute(v)}"`;
  return out;
}

/** `<name attrs/>` or `<name attrs>children</name>`. */
export function element(name: string, attrs: XmlAttributes, children = ''): string {
  return children === ''
    ? `${openTag(name, attrs)}/>`
    : `${openTag(name, attrs)}>${children}</${name}>`;
}

/** `<name>text</name>`, or nothing for an undefined value. */
export const textElement = (name: string, v: string | number | undefined): string =>
  v === undefined ? '' : `<${name}>${typeof v === 'number' ? v : xmlText(v)}</${name}>`;

/** `x,y;x,y;...` from flat coordinates. */
export function pointList(xy: readonly number[], num: (x: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i + 1 < xy.length; i += 2) out.push(`${num(xy[i]!)},${num(xy[i + 1]!)}`);
  return out.join(';');
}

/** The task a CVAT export describes in `<meta>`. */
export interface CvatTaskMeta {
  readonly name: string;
  /** Number of frames (images). */
  readonly size: number;
  readonly mode: 'annotation' | 'interpolation';
  readonly startFrame?: number;
  readonly stopFrame?: number;
  /** Every N-th frame (CVAT `frame_filter` step=N). */
  readonly step?: number;
  readonly width?: number;
  readonly height?: number;
  /** The video's file name (a video task). */
  readonly source?: string;
  /** `<labels>...</labels>` (`CvatLabels.xml`). */
  readonly labels: string;
}

export function cvatHead(task: CvatTaskMeta): string {
  const size =
    task.width !== undefined && task.height !== undefined
      ? `\n      <original_size>${textElement('width', task.width)}${textElement('height', task.height)}</original_size>`
      : '';
  const lines = [
    textElement('name', task.name),
    textElement('size', task.size),
    textElement('mode', task.mode),
    textElement('start_frame', task.startFrame),
    textElement('stop_frame', task.stopFrame),
    task.step !== undefined && task.step !== 1
      ? textElement('frame_filter', `step=${task.step}`)
      : '',
  ].filter((l) => l !== '');
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n' +
    `  <meta>\n    <task>\n${lines.map((l) => `      ${l}\n`).join('')}` +
    `      ${task.labels}${size}\n` +
    (task.source !== undefined ? `      ${textElement('source', task.source)}\n` : '') +
    '    </task>\n  </meta>\n'
  );
}

export const CVAT_TAIL = '</annotations>\n';
