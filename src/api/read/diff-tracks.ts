/**
 * Track-level changes between two snapshots (layer: api): for each video track whose record
 * or keyframes changed, its class and the frame ranges that changed (`dataset/track-change.ts`:
 * moved, added, now outside). Cost follows the change: the `tracks` and `keyframes` trees are
 * diffed (equal subtrees skipped by hash), and of a changed track only the keyframes around its
 * changed keyframes are read and materialized (`track-frame-changes.ts`; the whole track only
 * when its changes are dense). Changed keyframes of a track whose record is in neither snapshot
 * are skipped (no track reads them).
 */
import { frameRangesText, type FrameRange } from '../../dataset/track-change.js';
import { decodeKeyframeKey, decodeTrackKey, encodeTrackKey } from '../../dataset/track-key.js';
import { compareBytes } from '../../tree/bytes.js';
import { diffTrees, type ChangeType } from '../../tree/diff.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { lastFrameOf, trackRecordAt } from './video-tracks.js';
import { fieldChanges } from '../../dataset/record-change.js';
import type { Repository } from '../repository/repository.js';
import { readTrackFrameChanges } from './track-frame-changes.js';
import type { JsonValue } from '../../core/canonical.js';
import type { FieldChange } from '../../dataset/record-change.js';

export interface TrackDiff {
  readonly video: string;
  readonly track: string;
  readonly class: string;
  readonly frames: readonly FrameRange[];
  /** "frames 120-180 moved, 181-240 now outside". */
  readonly summary: string;
}

/** One changed track, in the shape of a diff's record change (`ChangeDetail`). */
export interface TrackChange {
  readonly tree: 'tracks';
  readonly key: { readonly image: string; readonly label: string };
  readonly change: ChangeType;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
  readonly fields?: readonly FieldChange[];
  readonly track: TrackDiff;
}

export async function* diffTrackSnapshots(
  repo: Repository,
  a: Snapshot,
  b: Snapshot,
): AsyncGenerator<TrackChange> {
  const touched = new Map<string, { video: string; track: string; frames: number[] }>();
  const entry = (video: string, track: string) => {
    const id = `${video}\u0000${track}`;
    let e = touched.get(id);
    if (!e) touched.set(id, (e = { video, track, frames: [] }));
    return e;
  };
  for await (const c of diffTrees(repo.nodes, treeRoot(a, 'tracks'), treeRoot(b, 'tracks'))) {
    const k = decodeTrackKey(c.key);
    entry(k.video, k.track);
  }
  for await (const c of diffTrees(repo.nodes, treeRoot(a, 'keyframes'), treeRoot(b, 'keyframes'))) {
    const k = decodeKeyframeKey(c.key);
    entry(k.video, k.track).frames.push(k.frame);
  }
  const order = [...touched.values()].sort((x, y) =>
    compareBytes(encodeTrackKey(x.video, x.track), encodeTrackKey(y.video, y.track)),
  );
  const lastFrames = new Map<string, number>();
  for (const t of order) {
    const [before, after] = await Promise.all(
      [a, b].map((s) => trackRecordAt(repo, s, t.video, t.track)),
    );
    const record = after ?? before;
    // Keyframes of a track in neither snapshot (a merge can keep keyframes one side added to a
    // track the other side removed) belong to no track: nothing materializes them.
    if (!record) continue;
    let last = lastFrames.get(t.video);
    if (last === undefined) {
      const ends = await Promise.all([a, b].map((s) => lastFrameOf(repo, s, t.video)));
      lastFrames.set(t.video, (last = Math.max(...ends)));
    }
    const roots = [treeRoot(a, 'keyframes'), treeRoot(b, 'keyframes')] as const;
    const frames = await readTrackFrameChanges(
      { nodes: repo.nodes, roots, video: t.video, track: t.track },
      record.shape,
      t.frames,
      last,
    );
    const change: ChangeType = !before ? 'added' : !after ? 'removed' : 'modified';
    const track: TrackDiff = {
      video: t.video,
      track: t.track,
      class: record.category,
      frames,
      summary: frameRangesText(frames),
    };
    yield {
      tree: 'tracks' as const,
      key: { image: t.video, label: t.track },
      change,
      ...(before ? { before: { ...before } } : {}),
      ...(after ? { after: { ...after } } : {}),
      ...(before && after ? { fields: fieldChanges({ ...before }, { ...after }) } : {}),
      track,
    };
  }
}
