/**
 * CVAT for video 1.1 XML -> a video, its tracks and every shape of each track (layer: formats).
 * The file is parsed whole, as `read-cvat.ts` does for CVAT for images.
 *
 * Mapping (docs/formats.md, "CVAT for video"): the task (or job) in `<meta>` is the video: id
 * from the caller, else `<source>` without extension, else the task's name, else the file's
 * base name; `stop_frame` (else start + (size - 1) * step) is its last frame (frame numbers are
 * absolute, as CVAT writes them), `frame_filter` step=N its step, `original_size` its size.
 * `<track id label source group_id>` -> track (id, `category` = label, `shape`, `source`,
 * `group_id`); its shapes (one kind per track: box, points, polygon, polyline, skeleton) -> one
 * `SourceShape` per frame: `bbox` [xtl, ytl, xbr - xtl, ybr - ytl], `keypoints` [x, y, 2, ...]
 * (skeleton: its declared points in order, an outside point 0, 0, 0, an occluded one v = 1),
 * `segmentation` [[x, y, ...]], `polyline` [x, y, ...]; `outside`, `occluded`, typed
 * `<attribute>`s, `z_order` when non-zero; `forced` for keyframe="1" and outside shapes.
 * Refused, naming `<track> #i (id N) <box> #j`: a track whose frames do not increase, a frame
 * beyond the video's last frame, two tracks with one id, a track of several kinds, mask,
 * cuboid and ellipse tracks, a rotated box, tracks of several tasks (a project export: one
 * task at a time, `task`).
 */
import type { JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import type { KeyframeRecord, TrackRecord, TrackShape } from '../../dataset/track-record.js';
import type { SourceShape } from '../../dataset/track-keyframe-reduce.js';
import { parseXmlDocument } from '../xml-document.js';
import {
  declaredLabels,
  isNode,
  list,
  pairs,
  parser,
  points,
  r6,
  readAttributes,
  skeletonKeypoints,
  type LabelDecl,
  type Node,
} from './read-cvat.js';

export interface CvatVideoTrack {
  readonly record: string;
  readonly id: string;
  readonly track: TrackRecord;
  /** Every shape the file lists, in frame order. */
  readonly shapes: readonly SourceShape[];
}

export interface CvatVideo {
  readonly video: string;
  /** The video's asset record fields. */
  readonly asset: {
    readonly file_name: string;
    readonly frame_count: number;
    readonly width?: number;
    readonly height?: number;
    readonly start_frame?: number;
    readonly frame_step?: number;
  };
  readonly lastFrame: number;
  readonly step: number;
  readonly labels: readonly string[];
  readonly tracks: readonly CvatVideoTrack[];
}

const KINDS = ['box', 'points', 'polygon', 'polyline', 'skeleton'] as const satisfies TrackShape[];
const REFUSED = ['mask', 'cuboid', 'ellipse'];

export interface CvatVideoReadOptions {
  readonly video?: string;
  readonly task?: string;
}

export function parseCvatVideo(
  text: string,
  file: string,
  opts: CvatVideoReadOptions = {},
): CvatVideo {
  const root = parseXmlDocument(text, file, parser)['annotations'];
  if (!isNode(root))
    throw new FormatParseError(file, 'document', 'annotations', 'no <annotations> element');
  const decls = declaredLabels(root['meta']);
  const tracks = list(root['track']).filter(isNode);
  const task = videoTask(root['meta'], tracks, file, opts.task);
  const chosen = tracks.filter(
    (t) => task.id === undefined || t['@task_id'] === undefined || t['@task_id'] === task.id,
  );
  const seen = new Map<string, string>();
  const out: CvatVideoTrack[] = [];
  chosen.forEach((t, i) => {
    const track = readTrack(t, i, file, decls, task.lastFrame);
    const first = seen.get(track.id);
    if (first !== undefined)
      throw new FormatParseError(file, track.record, 'id', `track id ${track.id} is also ${first}`);
    seen.set(track.id, track.record);
    out.push(track);
  });
  const video = opts.video ?? task.name ?? file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return {
    video,
    asset: {
      file_name: task.source ?? video,
      frame_count: task.lastFrame + 1,
      ...(task.size ?? {}),
      ...(task.start !== 0 ? { start_frame: task.start } : {}),
      ...(task.step !== 1 ? { frame_step: task.step } : {}),
    },
    lastFrame: task.lastFrame,
    step: task.step,
    labels: [...decls.keys()],
    tracks: out,
  };
}

interface VideoTask {
  readonly id?: string;
  readonly name?: string;
  readonly source?: string;
  readonly lastFrame: number;
  readonly start: number;
  readonly step: number;
  readonly size?: { readonly width: number; readonly height: number };
}

function videoTask(meta: unknown, tracks: Node[], file: string, wanted?: string): VideoTask {
  const m = isNode(meta) ? meta : {};
  const project =
    isNode(m['project']) && isNode(m['project']['tasks']) ? m['project']['tasks'] : {};
  const candidates = [...list(m['task']), ...list(m['job']), ...list(project['task'])].filter(
    isNode,
  );
  const ids = new Set(tracks.map((t) => t['@task_id']).filter((v) => typeof v === 'string'));
  const pick = wanted ?? (ids.size === 1 ? [...ids][0] : undefined);
  if (wanted === undefined && ids.size > 1)
    throw new FormatParseError(
      file,
      '<meta>',
      'task',
      `tracks of ${ids.size} tasks (${[...ids].join(', ')}); import one task at a time`,
    );
  const node =
    candidates.find((c) => pick === undefined || text(c['id']) === pick) ?? candidates[0] ?? {};
  const int = (v: unknown) => (v === undefined || text(v) === '' ? undefined : Number(text(v)));
  const start = int(node['start_frame']) ?? 0;
  const step = Number(/step=(\d+)/.exec(text(node['frame_filter']) ?? '')?.[1] ?? 1);
  const sizeCount = int(node['size']);
  const lastFrame =
    int(node['stop_frame']) ??
    (sizeCount !== undefined ? start + (sizeCount - 1) * step : undefined);
  if (lastFrame === undefined || !Number.isSafeInteger(lastFrame) || lastFrame < 0)
    throw new FormatParseError(
      file,
      '<meta>',
      'stop_frame',
      'the video has no frame count (no <stop_frame> or <size>)',
    );
  const orig = isNode(node['original_size'])
    ? node['original_size']
    : isNode(m['original_size'])
      ? m['original_size']
      : undefined;
  const [w, h] = [int(orig?.['width']), int(orig?.['height'])];
  const source = text(node['source']) ?? text(m['source']);
  const name = source ? source.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') : text(node['name']);
  return {
    ...(pick !== undefined ? { id: pick } : {}),
    ...(name ? { name } : {}),
    ...(source ? { source } : {}),
    lastFrame,
    start,
    step,
    ...(w && h ? { size: { width: w, height: h } } : {}),
  };
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

function readTrack(
  t: Node,
  index: number,
  file: string,
  decls: Map<string, LabelDecl>,
  lastFrame: number,
): CvatVideoTrack {
  const id = text(t['@id']);
  const base = `<track> #${index}`;
  if (id === undefined || id === '')
    throw new FormatParseError(file, base, 'id', 'missing the track id');
  const record = `${base} (id ${id})`;
  const fail = (where: string, field: string, why: string): never => {
    throw new FormatParseError(file, where, field, why);
  };
  const label = t['@label'];
  if (typeof label !== 'string' || label === '') return fail(record, 'label', 'missing the label');
  const decl = decls.get(label);
  if (decls.size > 0 && !decl)
    fail(record, 'label', `label '${label}' is not declared in the file's <meta> labels`);
  for (const k of REFUSED)
    if (list(t[k]).length > 0) fail(`${record} <${k}> #0`, k, `CVAT ${k} tracks are not supported`);
  const kinds = KINDS.filter((k) => list(t[k]).length > 0);
  if (kinds.length > 1)
    fail(record, 'shape', `a track holds one kind of shape, this one ${kinds.join(' and ')}`);
  const shape = kinds[0] ?? 'box';
  const shapes: SourceShape[] = [];
  list(t[shape]).forEach((s, j) => {
    const where = `${record} <${shape}> #${j}`;
    const node = isNode(s) ? s : {};
    const frame = Number(node['@frame']);
    if (!Number.isSafeInteger(frame) || frame < 0)
      fail(where, 'frame', `expected a frame number, got '${String(node['@frame'] ?? '')}'`);
    if (frame > lastFrame)
      fail(where, 'frame', `frame ${frame} is beyond the video's last frame ${lastFrame}`);
    const prev = shapes.at(-1);
    if (prev && frame <= prev.frame)
      fail(
        where,
        'frame',
        `frame ${frame} after frame ${prev.frame}: a track's shapes must be in frame order, one per frame`,
      );
    const rec = readShape(shape, node, decl, (f, why) => fail(where, f, why));
    const forced =
      node['@keyframe'] !== '0' ||
      rec.outside === true ||
      list(node['points']).some((p) => isNode(p) && p['@keyframe'] === '1');
    shapes.push({ frame, record: rec, forced });
  });
  const group = t['@group_id'];
  const track: TrackRecord = {
    category: label,
    shape,
    ...(typeof t['@source'] === 'string' ? { source: t['@source'] } : {}),
    ...(group !== undefined && Number(group) !== 0 ? { group_id: Number(group) } : {}),
  };
  return { record, id, track, shapes };
}

function readShape(
  kind: (typeof KINDS)[number],
  s: Node,
  decl: LabelDecl | undefined,
  fail: (field: string, why: string) => never,
): KeyframeRecord {
  const num = (k: string) => {
    const v = Number(s[`@${k}`]);
    return Number.isFinite(v) && s[`@${k}`] !== undefined
      ? v
      : fail(k, `expected a number, got '${String(s[`@${k}`] ?? '')}'`);
  };
  const out: { [k: string]: JsonValue } = {};
  if (kind === 'box') {
    const [x0, y0, x1, y1] = ['xtl', 'ytl', 'xbr', 'ybr'].map(num) as [
      number,
      number,
      number,
      number,
    ];
    if (x1 < x0 || y1 < y0) fail('xbr', 'the box ends before it starts');
    if (s['@rotation'] !== undefined && num('rotation') !== 0)
      fail('rotation', 'rotated boxes in tracks are not supported');
    out['bbox'] = [x0, y0, r6(x1 - x0), r6(y1 - y0)];
  } else if (kind === 'points')
    out['keypoints'] = pairs(points(s['@points'], fail)).flatMap(([x, y]) => [x, y, 2]);
  else if (kind === 'polygon') out['segmentation'] = [points(s['@points'], fail)];
  else if (kind === 'polyline') out['polyline'] = points(s['@points'], fail);
  else out['keypoints'] = skeletonKeypoints(s, decl, fail);
  if (s['@outside'] === '1') out['outside'] = true;
  const { occluded, ...attributes } = readAttributes(s, decl, fail);
  if (occluded === true) out['occluded'] = true;
  if (Object.keys(attributes).length > 0) out['attributes'] = attributes;
  if (s['@z_order'] !== undefined && Number(s['@z_order']) !== 0) out['z_order'] = num('z_order');
  return out as KeyframeRecord;
}
