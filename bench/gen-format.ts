/**
 * Output encoding for the synthetic dataset (layer: bench): two-decimal rounding and printing,
 * zero-padded image ids, ISO-8601 timestamps, the label line body, and the buffered file writer.
 *
 * Invariants: `fmt2(v) === String(r2(v))` for every value the generator produces, and `iso(t)`
 * equals `new Date(t * 1000).toISOString()` without milliseconds; both exist only because the
 * built-in printers dominated the profile at 10M labels. JSON members are written in one fixed
 * order, so the bytes are a pure function of the `Label`.
 */
import * as fs from 'node:fs';
import { CATEGORIES, DAY, TIME_MIN, type Label } from './gen-spec.js';

export const r2 = (v: number): number => Math.round(v * 100) / 100;
export const floor2 = (v: number): number => Math.floor(v * 100) / 100;
export const pad8 = (n: number): string => String(n).padStart(8, '0');
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/**
 * `String(r2(v))` without the shortest-round-trip double printer, which dominated the profile:
 * prints the integer part and up to two decimals from integer cents (identical output).
 */
function fmt2(v: number): string {
  const cents = Math.round(Math.abs(v) * 100);
  const whole = Math.floor(cents / 100);
  const frac = cents - whole * 100;
  const sign = v < 0 && cents !== 0 ? '-' : '';
  if (frac === 0) return `${sign}${whole}`;
  return frac % 10 === 0 ? `${sign}${whole}.${frac / 10}` : `${sign}${whole}.${PAD2[frac]}`;
}

function fmtList(vs: readonly number[]): string {
  let s = fmt2(vs[0] ?? 0);
  for (let i = 1; i < vs.length; i++) s += `,${fmt2(vs[i] ?? 0)}`;
  return s;
}
const dayPrefixes: string[] = []; // memo: "YYYY-MM-DDT" per day since TIME_MIN (≤ 366 entries)

/** ISO-8601 UTC with second precision; `Date#toISOString` per label is measurably slow at 10M. */
function iso(t: number): string {
  const rel = t - TIME_MIN;
  const day = Math.floor(rel / DAY);
  let sec = rel - day * DAY;
  const prefix = (dayPrefixes[day] ??= new Date((TIME_MIN + day * DAY) * 1000)
    .toISOString()
    .slice(0, 11));
  const hh = Math.floor(sec / 3600);
  sec -= hh * 3600;
  const mm = Math.floor(sec / 60);
  return `${prefix}${PAD2[hh]}:${PAD2[mm]}:${PAD2[sec - mm * 60]}Z`;
}

/** The label's JSON members in the fixed output order, without the surrounding braces. */
export function labelBody(L: Label): string {
  let s = `"image":"${pad8(L.image)}","label":"${L.id}","category_id":${L.cat},"category":"${CATEGORIES[L.cat - 1]}"`;
  s += `,"bbox":[${fmt2(L.x)},${fmt2(L.y)},${fmt2(L.w)},${fmt2(L.h)}],"area":${fmt2(L.area)},"iscrowd":0`;
  if (L.seg) s += `,"segmentation":[[${fmtList(L.seg)}]]`;
  s += `,"attributes":{"occluded":${L.occluded},"truncated":${L.truncated}}`;
  s += `,"annotator":"ann_${L.annotator}","annotated_at":"${iso(L.annotatedAt)}"`;
  const at = L.reviewedAt === null ? 'null' : `"${iso(L.reviewedAt)}"`;
  s += `,"review":{"status":"${L.status}","reviewer":"rev_${L.reviewer}","reviewed_at":${at}}`;
  return s;
}

/** Append-only file behind a 1 MiB buffer; all output is ASCII so latin1 is exact. */
export class BufferedFile {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private pos = 0;
  bytes = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  write(s: string): void {
    if (s.length > this.buf.length - this.pos) {
      this.flush();
      if (s.length > this.buf.length) return this.writeOut(Buffer.from(s, 'latin1'));
    }
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    this.writeOut(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private writeOut(b: Buffer): void {
    for (let off = 0; off < b.length;) off += fs.writeSync(this.fd, b, off);
    this.bytes += b.length;
  }
}
