/**
 * Per-track diff when a track's record is in neither snapshot but its keyframes changed:
 * keyframes a merge kept after the other side removed their track (one branch re-imports the
 * video without the track, the other adds a keyframe to it) belong to no track, and nothing
 * materializes them; the diff skips them instead of failing on the missing record. A track
 * whose record changes is reported as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToHex } from '../../core/hash.js';
import { encodeKeyframeKey, encodeTrackKey } from '../../dataset/track-key.js';
import { encodeKeyframeRecord } from '../../dataset/track-record.js';
import type { TreeName } from '../../dataset/tree-names.js';
import { mutateTree, type Edit } from '../../tree/mutate.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { writeVideoTracks } from '../interchange/write-video-tracks.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import type { Repository } from '../repository/repository.js';
import { branchHead } from '../write/branch-head.js';
import { diffTrackSnapshots } from './diff-tracks.js';

let dir: string;
let repo: Repository;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-diff-tracks-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

const box = (x: number) => ({ bbox: [x, 0, 10, 10] });

async function edited(s: Snapshot, tree: TreeName, edits: Edit[]): Promise<Snapshot> {
  const root = await mutateTree(repo.nodes, treeRoot(s, tree), edits);
  return { ...s, trees: { ...s.trees, [tree]: hashToHex(root) } };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('diffTrackSnapshots', () => {
  it('skips keyframes whose track is in neither snapshot', async () => {
    await writeVideoTracks(repo, { branch: 'main', message: 'v', operations: {} }, [
      {
        video: 'v',
        asset: { file_name: 'v.mp4', frame_count: 20 },
        tracks: [
          {
            id: '1',
            track: { category: 'car', shape: 'box' },
            keyframes: [
              { frame: 0, record: box(0) },
              { frame: 5, record: box(5) },
            ],
          },
        ],
      },
    ]);
    const { snapshot: imported } = await branchHead(repo, 'main');
    // The track's record removed, its keyframes left (what the merge above keeps)...
    const orphaned = await edited(imported, 'tracks', [
      { key: encodeTrackKey('v', '1'), value: null },
    ]);
    // ...and one more keyframe of it, from the other side.
    const added = await edited(orphaned, 'keyframes', [
      { key: encodeKeyframeKey('v', '1', 7), value: encodeKeyframeRecord(box(7), 'box') },
    ]);
    expect(await collect(diffTrackSnapshots(repo, orphaned, added))).toEqual([]);
    const removed = await collect(diffTrackSnapshots(repo, imported, added));
    expect(removed.map((c) => [c.key, c.change])).toEqual([
      [{ image: 'v', label: '1' }, 'removed'],
    ]);
  });
});
