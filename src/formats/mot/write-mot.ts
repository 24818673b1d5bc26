/**
 * MOT Challenge rows from materialized boxes (layer: formats): `frame, id, x, y, w, h` and the
 * sequence's further columns (conf, class, visibility; MOT15: conf, world x, y, z), 1-based
 * frames. Numbers are written rounded to 6 decimals in their shortest form (`1.0` is written
 * `1`): the only difference from the file a sequence was imported from.
 */
export interface MotRow {
  /** 0-based. */
  readonly frame: number;
  readonly id: number;
  readonly bbox: readonly number[];
  readonly confidence?: number;
  readonly classId?: number;
  readonly visibility?: number;
  /** MOT15's world coordinates (10-column files). */
  readonly world?: readonly number[];
}

export const motNumber = (x: number) => String(Math.round(x * 1e6) / 1e6);

export function motRowText(r: MotRow, columns: number): string {
  const rest = columns === 10 ? (r.world ?? [-1, -1, -1]) : [r.classId ?? -1, r.visibility ?? -1];
  const cells = [r.frame + 1, r.id, ...r.bbox, r.confidence ?? -1, ...rest];
  return cells.slice(0, columns).map(motNumber).join(',');
}

/** Rows in MOT order: by frame, then id (or by id, then frame: MOT17's files). */
export function sortMotRows(rows: MotRow[], byTrack: boolean): MotRow[] {
  return rows.sort((a, b) =>
    byTrack ? a.id - b.id || a.frame - b.frame : a.frame - b.frame || a.id - b.id,
  );
}
