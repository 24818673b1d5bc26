/**
 * MOT Challenge ground truth (`gt/gt.txt`) -> the tracks of one sequence (layer: formats).
 *
 * Rows (docs/formats.md, "MOT"): `frame, id, x, y, w, h[, conf[, class[, visibility]]]`
 * (MOT16 and later), or MOT15's 10 columns `frame, id, x, y, w, h, conf, wx, wy, wz` (world
 * coordinates, no class), comma separated, 1-based frames; blank lines and `#` comment lines
 * are skipped. Every row has the file's column count (6 to 10). Mapping: id ->
 * track id; frame f -> frame f - 1; `bbox` [x, y, w, h]; `conf` -> `confidence`, `visibility`
 * -> `visibility`, MOT15's world coordinates -> `world` [wx, wy, wz] (per frame); `class` -> the track's `category_id` (one class per track) and
 * `category` (its name from `labels.txt`, line N for class N, else `class N`; `object` for
 * no class or class < 1, MOT15's -1). Refused, naming
 * the file and line: a malformed row (not numbers, wrong column count, frame < 1, id not an
 * integer >= 0, negative size), one id twice in one frame, an id whose rows go back in frame
 * order, a frame beyond the sequence's length (`seqinfo.ini` seqLength), a class that changes
 * within a track.
 */
import { FormatParseError } from '../../core/errors.js';
import type { KeyframeRecord } from '../../dataset/track-record.js';
import type { SourceShape } from '../../dataset/track-keyframe-reduce.js';

export interface MotTrack {
  readonly id: string;
  /** The 1-based line of its first row. */
  readonly line: number;
  readonly classId?: number;
  readonly category: string;
  /** One shape per row, frames 0-based, every one a source keyframe candidate. */
  readonly shapes: readonly SourceShape[];
}

export interface MotSequence {
  readonly columns: number;
  /** Rows ordered by track, then frame (MOT17's order) rather than by frame, then track. */
  readonly byTrack: boolean;
  /** The last 0-based frame a row names. */
  readonly lastFrame: number;
  readonly tracks: readonly MotTrack[];
}

export interface MotReadOptions {
  /** `seqinfo.ini` seqLength: no row may be beyond it. */
  readonly frames?: number;
  /** `labels.txt`: class N is line N. */
  readonly labels?: readonly string[];
}

interface Building {
  id: string;
  line: number;
  classId: number | undefined;
  shapes: SourceShape[];
  lines: number[];
}

export function parseMot(text: string, file: string, opts: MotReadOptions = {}): MotSequence {
  const tracks = new Map<string, Building>();
  let columns = 0;
  let lastFrame = 0;
  let byFrame = true;
  let byTrack = true;
  let prev: { frame: number; id: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const line = i + 1;
    const fail = (field: string | null, why: string): never => {
      throw new FormatParseError(file, line, field, why);
    };
    const cells = raw.split(',').map((c) => c.trim());
    if (cells.length < 6 || cells.length > 10)
      fail(
        null,
        `expected 6 to 10 comma-separated columns (frame, id, x, y, w, h, ...), got ${cells.length}`,
      );
    if (columns === 0) columns = cells.length;
    else if (cells.length !== columns)
      fail(null, `${cells.length} columns, but the file's rows have ${columns}`);
    const v = cells.map((c, k) => {
      const n = Number(c);
      return c !== '' && Number.isFinite(n)
        ? n
        : fail(COLUMN_NAMES[k]!, `expected a number, got '${c}'`);
    });
    const [frame1, id, x, y, w, h] = v as [number, number, number, number, number, number];
    if (!Number.isSafeInteger(frame1) || frame1 < 1)
      fail('frame', `expected a frame number >= 1, got ${frame1}`);
    if (!Number.isSafeInteger(id) || id < 0)
      fail('id', `expected a track id (an integer >= 0), got ${id}`);
    if (w < 0 || h < 0) fail('w', `a box has width and height >= 0, got ${w}x${h}`);
    if (opts.frames !== undefined && frame1 > opts.frames)
      fail('frame', `frame ${frame1} is beyond the sequence's ${opts.frames} frames`);
    const frame = frame1 - 1;
    lastFrame = Math.max(lastFrame, frame);
    if (prev) {
      if (frame < prev.frame || (frame === prev.frame && id < prev.id)) byFrame = false;
      if (id < prev.id || (id === prev.id && frame < prev.frame)) byTrack = false;
    }
    prev = { frame, id };
    const key = String(id);
    const classId = columns === 10 ? undefined : v[7];
    let t = tracks.get(key);
    if (!t) tracks.set(key, (t = { id: key, line, classId, shapes: [], lines: [] }));
    const last = t.shapes.at(-1);
    if (last && frame === last.frame)
      fail('frame', `id ${id} is in frame ${frame1} twice (line ${t.lines.at(-1)} and this one)`);
    if (last && frame < last.frame)
      fail(
        'frame',
        `id ${id}'s rows go back from frame ${last.frame + 1} (line ${t.lines.at(-1)}) to ${frame1}: a track's rows must be in frame order`,
      );
    if (classId !== t.classId)
      fail(
        'class',
        `id ${id} has class ${String(classId)} here but ${String(t.classId)} on line ${t.line}`,
      );
    const record: { -readonly [K in keyof KeyframeRecord]: KeyframeRecord[K] } = {
      bbox: [x, y, w, h],
    };
    if (v[6] !== undefined) record.confidence = v[6];
    if (columns === 10) record.world = v.slice(7, 10);
    else if (v[8] !== undefined) record.visibility = v[8];
    t.shapes.push({ frame, record, forced: false });
    t.lines.push(line);
  }
  return {
    columns,
    byTrack: byTrack && !byFrame,
    lastFrame,
    tracks: [...tracks.values()].map((t) => ({
      id: t.id,
      line: t.line,
      ...(t.classId !== undefined ? { classId: t.classId } : {}),
      category: className(t.classId, opts.labels),
      shapes: t.shapes,
    })),
  };
}

const COLUMN_NAMES = ['frame', 'id', 'x', 'y', 'w', 'h', 'conf', 'class', 'visibility', 'world z'];

function className(classId: number | undefined, labels: readonly string[] | undefined): string {
  if (classId === undefined || classId < 1) return 'object';
  return labels?.[classId - 1] ?? `class ${classId}`;
}
