/**
 * A video's tracks frame by frame (layer: dataset). Pure (its input streams aside).
 *
 * `framesOfTracks` walks a video's frames in order and yields, for each frame, the visible
 * shape of every track there (interpolated between keyframes by CVAT's rule, as
 * `track-interpolation.ts` says; a track that is outside, or has no shape at that frame, is
 * absent). Each track's keyframes come as a stream read forward in step with the frames, and
 * only the two keyframes around the current frame are held per track: a per-frame export of
 * 54,000 frames x 20 tracks holds neither the 1M boxes nor the keyframes (a track keyed at
 * every frame has as many keyframes as boxes). The stream is awaited only to pass a keyframe.
 * `shapesOfTrack` walks one track the same way, outside keyframes included (CVAT's export).
 * `videoFrames` is the frames a video record has: `start_frame` (else 0) to `frame_count - 1`,
 * every `frame_step`-th (else every one); frame numbers are the stored (absolute) ones.
 */
import { between, type FrameShape, type Keyframe } from './track-interpolation.js';
import type { TrackShape } from './track-record.js';

export interface TrackKeyframes {
  readonly shape: TrackShape;
  /** The track's keyframes in frame order (distinct frames). */
  readonly keyframes: AsyncIterable<Keyframe>;
}

export interface FrameRange {
  readonly first: number;
  readonly last: number;
  readonly step: number;
}

export interface FrameOfTracks {
  readonly frame: number;
  /** Position of the frame in the range (0, 1, ...): `(frame - first) / step`. */
  readonly index: number;
  /** The visible shapes at this frame, in track order; `track` is the index into the tracks given. */
  readonly shapes: readonly { readonly track: number; readonly shape: FrameShape }[];
}

/** The frames of a video record (`frame_count`, `start_frame`, `frame_step`). */
export function videoFrames(video: {
  readonly frame_count: number;
  readonly start_frame?: number;
  readonly frame_step?: number;
}): FrameRange {
  return {
    first: video.start_frame ?? 0,
    last: video.frame_count - 1,
    step: video.frame_step ?? 1,
  };
}

/** Number of frames in `range`. */
export const frameTotal = (range: FrameRange): number =>
  range.last < range.first ? 0 : Math.floor((range.last - range.first) / range.step) + 1;

/** One track's place in its keyframes: `prev` (last at or before the frame), `next` (after). */
class TrackCursor {
  prev: Keyframe | undefined;
  next: Keyframe | undefined;
  private readonly it: AsyncIterator<Keyframe>;

  constructor(readonly track: TrackKeyframes) {
    this.it = track.keyframes[Symbol.asyncIterator]();
  }

  async start(): Promise<void> {
    this.next = await this.read();
  }

  /** Moves past every keyframe at or before `frame`. */
  async advance(frame: number): Promise<void> {
    while (this.next && this.next.frame <= frame) {
      this.prev = this.next;
      this.next = await this.read();
    }
  }

  /** The track's shape at `frame` (after `advance(frame)`), or undefined. */
  shapeAt(frame: number): FrameShape | undefined {
    const p = this.prev;
    if (!p) return undefined;
    if (p.frame === frame) return { frame, record: p.record, keyframe: true };
    if (p.record.outside) return undefined;
    return { frame, record: between(this.track.shape, p, this.next, frame), keyframe: false };
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }

  private async read(): Promise<Keyframe | undefined> {
    const r = await this.it.next();
    return r.done ? undefined : r.value;
  }
}

/** Every frame of `range`, in order, with the tracks' visible shapes there (possibly none). */
export async function* framesOfTracks(
  tracks: readonly TrackKeyframes[],
  range: FrameRange,
): AsyncGenerator<FrameOfTracks> {
  const cursors = tracks.map((t) => new TrackCursor(t));
  try {
    for (const c of cursors) await c.start();
    for (let frame = range.first, index = 0; frame <= range.last; frame += range.step, index++) {
      const shapes: { track: number; shape: FrameShape }[] = [];
      for (let i = 0; i < cursors.length; i++) {
        const c = cursors[i]!;
        if (c.next && c.next.frame <= frame) await c.advance(frame);
        const shape = c.shapeAt(frame);
        if (shape && !shape.record.outside) shapes.push({ track: i, shape });
      }
      yield { frame, index, shapes };
    }
  } finally {
    await Promise.all(cursors.map((c) => c.close()));
  }
}

/**
 * Every shape of one track over `range`, in frame order, outside keyframes included (what a
 * per-track export writes: CVAT for video): `materializeTrack`'s shapes, with the keyframes read
 * as the frames pass them (two held), so a track keyed at every frame is never held whole.
 */
export async function* shapesOfTrack(
  track: TrackKeyframes,
  range: FrameRange,
): AsyncGenerator<FrameShape> {
  const cursor = new TrackCursor(track);
  try {
    await cursor.start();
    for (let frame = range.first; frame <= range.last; frame += range.step) {
      if (cursor.next && cursor.next.frame <= frame) await cursor.advance(frame);
      const shape = cursor.shapeAt(frame);
      if (shape) yield shape;
    }
  } finally {
    await cursor.close();
  }
}
