/**
 * `verso blame VIDEO --track ID` (layer: api): which commit last changed each frame of a video
 * track, as frame ranges, with the commit that introduced the track and the one that last
 * changed its record (class, attributes).
 *
 * The frames blamed are those where the track is visible at the ref (not before its first
 * keyframe, not where it is outside), as interpolation materializes them. The first-parent
 * history is walked from the ref back, as `git blame --first-parent` does (a change merged in is
 * the merge's). For each commit whose `tracks` or `keyframes` tree differs from its parent's,
 * the track's changed keyframes come from the diff of the two `keyframes` trees (equal subtrees
 * skipped: O(the commit's changes)), and their frame ranges from the keyframes around them only
 * (`read/track-frame-changes.ts`); the frames not yet blamed that the commit moved or added are
 * its. The walk ends at the commit that introduced the track (its parent has no such track),
 * which takes every frame still unblamed. Commits that touch no track cost two root
 * comparisons.
 */
import type { ChunkHash } from '../../core/hash.js';
import { bytesEqual } from '../../tree/bytes.js';
import { decodeKeyframeKey } from '../../dataset/track-key.js';
import { visibleSpans } from '../../dataset/track-visibility.js';
import type { TrackRecord } from '../../dataset/track-record.js';
import { diffTrees } from '../../tree/diff.js';
import { getCommit, type Commit } from '../../vcs/commit.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { lastFrameOf, trackKeyframes, trackRecordAt } from '../read/video-tracks.js';
import { readTrackFrameChanges } from '../read/track-frame-changes.js';
import { snapshotAtRef, snapshotOfCommit } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';
import type { BlameCommit } from './blame.js';
import { TrackNotFoundError } from './blame-errors.js';

export interface TrackBlameQuery {
  readonly ref: string;
  readonly video: string;
  readonly track: string;
}

export type BlameCommitWithMessage = BlameCommit & { readonly message: string };

export interface FrameBlame extends BlameCommitWithMessage {
  readonly from: number;
  readonly to: number;
}

export interface TrackBlame {
  readonly video: string;
  readonly track: string;
  readonly class: string;
  readonly introduced: BlameCommitWithMessage;
  /** The last commit that changed the track's record (class, attributes). */
  readonly record: BlameCommitWithMessage;
  /** The visible frames at the ref, in frame order, each range with its commit. */
  readonly frames: readonly FrameBlame[];
}

type Span = [from: number, to: number];

export async function trackBlame(repo: Repository, q: TrackBlameQuery): Promise<TrackBlame> {
  const { commit: head, snap } = await snapshotAtRef(repo, q.ref);
  const record = await trackRecordAt(repo, snap, q.video, q.track);
  if (!record) throw new TrackNotFoundError(q.ref, q.video, q.track);
  const lastFrame = await lastFrameOf(repo, snap, q.video);
  const keyframes = await trackKeyframes(repo.nodes, treeRoot(snap, 'keyframes'), q.video, q.track);
  let unblamed: Span[] = visibleSpans(keyframes, lastFrame);
  const frames: FrameBlame[] = [];
  let recordBlame: BlameCommitWithMessage | undefined;
  let id = head;
  let commit = await getCommit(repo.chunks, id);
  let current = snap;
  let currentRecord = record;
  for (;;) {
    const by = blameCommit(id, commit);
    const parentId = commit.parents[0];
    const parent = parentId === undefined ? undefined : await snapshotOfCommit(repo, parentId);
    const before = parent && (await trackRecordAt(repo, parent, q.video, q.track));
    if (!parent || !before) {
      // The track's first commit: everything not blamed yet is from here.
      for (const [from, to] of unblamed) frames.push({ from, to, ...by });
      return {
        video: q.video,
        track: q.track,
        class: record.category,
        introduced: by,
        record: recordBlame ?? by,
        frames: frames.sort((a, b) => a.from - b.from),
      };
    }
    if (!recordBlame && !sameRecord(before, currentRecord)) recordBlame = by;
    if (unblamed.length > 0 && touchesTracks(parent, current)) {
      const changed = await changedKeyframes(repo, parent, current, q.video, q.track);
      if (changed.length > 0) {
        const ranges = await readTrackFrameChanges(
          {
            nodes: repo.nodes,
            roots: [treeRoot(parent, 'keyframes'), treeRoot(current, 'keyframes')],
            video: q.video,
            track: q.track,
          },
          currentRecord.shape,
          changed,
          lastFrame,
        );
        const taken: Span[] = ranges.filter((r) => r.kind !== 'outside').map((r) => [r.from, r.to]);
        const [mine, rest] = split(unblamed, taken);
        for (const [from, to] of mine) frames.push({ from, to, ...by });
        unblamed = rest;
      }
    }
    [id, commit, current, currentRecord] = [
      parentId!,
      await getCommit(repo.chunks, parentId!),
      parent,
      before,
    ];
  }
}

/** A commit as blame names it (shared with `annotation-blame.ts`). */
export function blameCommit(id: ChunkHash, c: Commit): BlameCommitWithMessage {
  return { commit: id, author: c.author, time: c.time, message: c.message };
}

function touchesTracks(a: Snapshot, b: Snapshot): boolean {
  return (
    !bytesEqual(treeRoot(a, 'keyframes'), treeRoot(b, 'keyframes')) ||
    !bytesEqual(treeRoot(a, 'tracks'), treeRoot(b, 'tracks'))
  );
}

function sameRecord(a: TrackRecord, b: TrackRecord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Frames of the track's keyframes that differ between the two snapshots, ascending. */
async function changedKeyframes(
  repo: Repository,
  a: Snapshot,
  b: Snapshot,
  video: string,
  track: string,
): Promise<number[]> {
  const frames: number[] = [];
  for await (const c of diffTrees(repo.nodes, treeRoot(a, 'keyframes'), treeRoot(b, 'keyframes'))) {
    const k = decodeKeyframeKey(c.key);
    if (k.video === video && k.track === track) frames.push(k.frame);
  }
  return frames;
}

/** `spans` cut by `taken`: the parts inside some taken range, and the rest (both sorted). */
export function split(spans: readonly Span[], taken: readonly Span[]): [Span[], Span[]] {
  const inside: Span[] = [];
  const outside: Span[] = [];
  for (const [from, to] of spans) {
    let at = from;
    for (const [tf, tt] of [...taken].sort((x, y) => x[0] - y[0])) {
      if (tt < at || tf > to) continue;
      if (tf > at) outside.push([at, tf - 1]);
      const end = Math.min(tt, to);
      inside.push([Math.max(tf, at), end]);
      at = end + 1;
      if (at > to) break;
    }
    if (at <= to) outside.push([at, to]);
  }
  return [inside, outside];
}
