/**
 * Label contents -> one Pascal VOC annotation XML (layer: formats); the inverse of `read-voc.ts`.
 *
 * `vocNumbers` is how a label is drawn in VOC, shared by the exporter and re-import matching:
 * its box (`bbox`, else its polygon's extent) as [xmin, ymin, xmax, ymax], rounded to
 * `VOC_DECIMALS` (integer pixels stay integers, as in VOC itself). Labels without a box are not
 * written. Attributes: `pose`, `truncated`, `difficult`, `occluded`, `actions`, `parts` go to
 * their VOC elements; other scalar attributes to CVAT-style `<attributes>` pairs.
 */
import type { JsonValue } from '../../core/canonical.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { labelBox } from '../../dataset/label-overlap.js';

export const VOC_DECIMALS = 2;

export function vocNumbers(content: LabelContent): number[] | undefined {
  const b = labelBox(content);
  return b && [r(b[0]), r(b[1]), r(b[0] + b[2]), r(b[1] + b[3])];
}

export interface VocImage {
  readonly fileName: string;
  readonly width?: number;
  readonly height?: number;
}

export function vocXml(
  img: VocImage,
  objects: readonly { name: string; content: LabelContent }[],
): string {
  const out = ['<annotation>', `  <filename>${esc(img.fileName)}</filename>`];
  if (img.width !== undefined && img.height !== undefined)
    out.push(
      '  <size>',
      `    <width>${img.width}</width>`,
      `    <height>${img.height}</height>`,
      '    <depth>3</depth>',
      '  </size>',
    );
  for (const o of objects) {
    const box = vocNumbers(o.content);
    if (!box) continue;
    const attrs = isObject(o.content['attributes']) ? o.content['attributes'] : {};
    out.push('  <object>', `    <name>${esc(o.name)}</name>`);
    if (typeof attrs['pose'] === 'string') out.push(`    <pose>${esc(attrs['pose'])}</pose>`);
    for (const f of ['truncated', 'difficult', 'occluded'])
      if (typeof attrs[f] === 'boolean') out.push(`    <${f}>${attrs[f] ? 1 : 0}</${f}>`);
    out.push(...bndbox(box, '    '));
    for (const p of Array.isArray(attrs['parts']) ? attrs['parts'] : []) {
      if (!isObject(p) || !Array.isArray(p['bbox'])) continue;
      const [x, y, w, h] = p['bbox'] as number[];
      out.push('    <part>', `      <name>${esc(String(p['name']))}</name>`);
      out.push(...bndbox([r(x!), r(y!), r(x! + w!), r(y! + h!)], '      '), '    </part>');
    }
    if (isObject(attrs['actions'])) {
      out.push('    <actions>');
      for (const [k, v] of Object.entries(attrs['actions']))
        out.push(`      <${k}>${typeof v === 'boolean' ? (v ? 1 : 0) : esc(String(v))}</${k}>`);
      out.push('    </actions>');
    }
    const other = Object.entries(attrs).filter(([k, v]) => !VOC_ATTRIBUTES.has(k) && isScalar(v));
    if (other.length > 0) {
      out.push('    <attributes>');
      for (const [k, v] of other)
        out.push(
          `      <attribute><name>${esc(k)}</name><value>${esc(String(v))}</value></attribute>`,
        );
      out.push('    </attributes>');
    }
    out.push('  </object>');
  }
  out.push('</annotation>');
  return out.join('\n') + '\n';
}

const VOC_ATTRIBUTES = new Set(['pose', 'truncated', 'difficult', 'occluded', 'actions', 'parts']);

function bndbox(b: readonly number[], pad: string): string[] {
  const [xmin, ymin, xmax, ymax] = b;
  return [
    `${pad}<bndbox>`,
    `${pad}  <xmin>${xmin}</xmin>`,
    `${pad}  <ymin>${ymin}</ymin>`,
    `${pad}  <xmax>${xmax}</xmax>`,
    `${pad}  <ymax>${ymax}</ymax>`,
    `${pad}</bndbox>`,
  ];
}

const SCALE = 10 ** VOC_DECIMALS;
const r = (v: number) => Math.round(v * SCALE) / SCALE;
const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: JsonValue) => ['string', 'number', 'boolean'].includes(typeof v);
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
