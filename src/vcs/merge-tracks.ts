/**
 * Merge rule for video tracks removed on one side (layer: vcs).
 *
 * The generic per-key merge would apply keyframe changes one side made to a track whose
 * `tracks` record the other side removed (a MOT re-import without the track, say), leaving
 * keyframes under no track. So a track removed on one side (its record in the base and on the
 * other side) whose record or keyframes the other side changed is one conflict on the track
 * (`tracks/VIDEO/TRACK`): its keyframe changes are taken out of the per-keyframe merge, the
 * merged snapshot holds ours' record and ours' keyframes of the track, and the conflict carries
 * the keyframe edits that turn ours' keyframes of the track into theirs', which resolving to
 * theirs applies with theirs' record. Resolving to the removing side drops the track and its
 * keyframes; to the other side keeps both.
 */
import { hexToHash } from '../core/hash.js';
import {
  decodeKeyframeKey,
  decodeTrackKey,
  encodeTrackKey,
  trackKeyframeRange,
} from '../dataset/track-key.js';
import { bytesEqual, compareBytes } from '../tree/bytes.js';
import type { Edit } from '../tree/mutate.js';
import type { NodeStore } from '../tree/node-store.js';
import { getValue, scan } from '../tree/read.js';
import type { ConflictKind, KeyConflict } from './merge-conflict.js';
import type { Snapshot } from './snapshot.js';

/** The per-key merge of one tree, as `merge-snapshots.ts` builds it. */
export interface TreeEdits {
  readonly edits: Edit[];
  readonly conflicts: KeyConflict[];
}

type Side = 'base' | 'ours' | 'theirs';
type Sides = Readonly<Record<Side, Snapshot>>;

/** Turns each one-sided track removal the other side's changes contradict into a track conflict. */
export async function settleRemovedTracks(
  nodes: NodeStore,
  tracks: TreeEdits,
  keyframes: TreeEdits,
  sides: Sides,
): Promise<void> {
  for (const key of await candidateTracks(nodes, tracks, keyframes, sides)) {
    const conflict = await removalConflict(nodes, key, sides);
    if (!conflict) continue;
    const { start, end } = trackKeyframeRange(conflict.video, conflict.track);
    const inTrack = (k: Uint8Array) => compareBytes(k, start) >= 0 && compareBytes(k, end) < 0;
    const sameKey = (k: Uint8Array) => bytesEqual(k, conflict.value.key);
    replaceAll(
      tracks.edits,
      tracks.edits.filter((e) => !sameKey(e.key)),
    );
    replaceAll(
      tracks.conflicts,
      tracks.conflicts.filter((c) => !sameKey(c.key)),
    );
    tracks.conflicts.push(conflict.value);
    replaceAll(
      keyframes.edits,
      keyframes.edits.filter((e) => !inTrack(e.key)),
    );
    replaceAll(
      keyframes.conflicts,
      keyframes.conflicts.filter((c) => !inTrack(c.key)),
    );
  }
}

/**
 * Tracks one side may have removed: a record conflict where one side deleted, a record theirs
 * deleted, and each track whose keyframes theirs changed.
 */
async function candidateTracks(
  nodes: NodeStore,
  tracks: TreeEdits,
  keyframes: TreeEdits,
  sides: Sides,
): Promise<Uint8Array[]> {
  const out = new Map<string, Uint8Array>();
  for (const c of tracks.conflicts)
    if (c.base !== undefined && (c.ours === undefined || c.theirs === undefined))
      out.set(keyId(c.key), c.key);
  for (const e of tracks.edits) if (e.value === null) out.set(keyId(e.key), e.key);
  const looked = new Set<string>();
  for (const k of [...keyframes.edits, ...keyframes.conflicts].map((x) => x.key)) {
    const { video, track } = decodeKeyframeKey(k);
    const key = encodeTrackKey(video, track);
    if (out.has(keyId(key)) || looked.has(keyId(key))) continue;
    looked.add(keyId(key));
    if ((await record(nodes, sides.ours, key)) === undefined) out.set(keyId(key), key);
  }
  return [...out.values()];
}

async function removalConflict(
  nodes: NodeStore,
  key: Uint8Array,
  sides: Sides,
): Promise<{ video: string; track: string; value: KeyConflict } | undefined> {
  const [base, ours, theirs] = await Promise.all(
    (['base', 'ours', 'theirs'] as const).map((s) => record(nodes, sides[s], key)),
  );
  if (base === undefined || (ours === undefined) === (theirs === undefined)) return undefined;
  const { video, track } = decodeTrackKey(key);
  const frames = await Promise.all(
    (['base', 'ours', 'theirs'] as const).map((s) => keyframesOf(nodes, sides[s], video, track)),
  );
  const kept =
    ours === undefined
      ? { record: theirs!, frames: frames[2]! }
      : { record: ours, frames: frames[1]! };
  if (bytesEqual(kept.record, base) && sameEntries(kept.frames, frames[0]!)) return undefined;
  const kind: ConflictKind = ours === undefined ? 'delete/modify' : 'modify/delete';
  const value: KeyConflict = {
    tree: 'tracks',
    key,
    kind,
    base,
    ours,
    theirs,
    keyframes: editsBetween(frames[1]!, frames[2]!),
  };
  return { video, track, value };
}

async function record(nodes: NodeStore, snap: Snapshot, key: Uint8Array) {
  return getValue(nodes, hexToHash(snap.trees.tracks), key);
}

async function keyframesOf(
  nodes: NodeStore,
  snap: Snapshot,
  video: string,
  track: string,
): Promise<Map<string, readonly [Uint8Array, Uint8Array]>> {
  const out = new Map<string, readonly [Uint8Array, Uint8Array]>();
  const range = trackKeyframeRange(video, track);
  for await (const [k, v] of scan(nodes, hexToHash(snap.trees.keyframes), range))
    out.set(keyId(k), [k, v]);
  return out;
}

type Entries = ReadonlyMap<string, readonly [Uint8Array, Uint8Array]>;

function sameEntries(a: Entries, b: Entries): boolean {
  if (a.size !== b.size) return false;
  for (const [id, [, v]] of a) {
    const other = b.get(id);
    if (!other || !bytesEqual(other[1], v)) return false;
  }
  return true;
}

/** The edits that turn `from` into `to`, in key order. */
function editsBetween(from: Entries, to: Entries): Edit[] {
  const edits: Edit[] = [];
  for (const [id, [k]] of from) if (!to.has(id)) edits.push({ key: k, value: null });
  for (const [id, [k, v]] of to) {
    const was = from.get(id);
    if (!was || !bytesEqual(was[1], v)) edits.push({ key: k, value: v });
  }
  return edits.sort((a, b) => compareBytes(a.key, b.key));
}

function replaceAll<T>(list: T[], kept: readonly T[]): void {
  list.length = 0;
  list.push(...kept);
}

function keyId(key: Uint8Array): string {
  return Buffer.from(key).toString('latin1');
}
