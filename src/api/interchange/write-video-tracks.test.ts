/**
 * The video importers' sink: a video id that names an image of the branch is refused and
 * nothing is written (the image's asset record, with its size, stays); a video imported again
 * under its own id replaces its record as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersoError } from '../../core/errors.js';
import { decodeAssetRecord } from '../../dataset/asset-record.js';
import { encodeImageKey } from '../../dataset/label-key.js';
import { getValue } from '../../tree/read.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import type { Repository } from '../repository/repository.js';
import { branchHead } from '../write/branch-head.js';
import { importCvat } from './import-cvat.js';
import { writeVideoTracks, type ImportedVideo } from './write-video-tracks.js';

const IMAGES = join(
  __dirname,
  '../../../../shared/data/real/cvat/dagshub-annotation-converter/tests/fs_import/cvat/annotations.xml',
);

let dir: string;
let repo: Repository;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-video-sink-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
  await importCvat(repo, { path: IMAGES, branch: 'main' }); // images 001, 002, ...
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

const video = (id: string): ImportedVideo => ({
  video: id,
  asset: { file_name: `${id}.mp4`, frame_count: 10 },
  tracks: [
    {
      id: '1',
      track: { category: 'car', shape: 'box' },
      keyframes: [{ frame: 0, record: { bbox: [1, 2, 3, 4] } }],
    },
  ],
});
const write = (v: ImportedVideo) =>
  writeVideoTracks(repo, { branch: 'main', message: 'video', operations: {} }, [v]);

async function assetOf(id: string) {
  const { snapshot } = await branchHead(repo, 'main');
  const bytes = await getValue(repo.nodes, treeRoot(snapshot, 'assets'), encodeImageKey(id));
  return bytes && decodeAssetRecord(bytes);
}

describe('writeVideoTracks', () => {
  it("refuses a video id that is an image's, writing nothing", async () => {
    const before = await branchHead(repo, 'main');
    const image = await assetOf('001');
    expect(image?.width).toBe(1920);
    const error = await write(video('001')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersoError);
    expect((error as VersoError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toContain("invalid video id '001'");
    expect((await branchHead(repo, 'main')).head).toBe(before.head);
    expect(await assetOf('001')).toEqual(image);
  });

  it('replaces the record of a video imported before', async () => {
    await write(video('clip'));
    const again = await write({
      ...video('clip'),
      asset: { file_name: 'clip.mp4', frame_count: 20 },
    });
    expect(again.committed).toBe(true);
    expect((await assetOf('clip'))?.frame_count).toBe(20);
  });
});
