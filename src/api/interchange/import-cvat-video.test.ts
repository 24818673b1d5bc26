/**
 * CVAT for video import on the real exports: every shape of the file comes back, frame by
 * frame, from the stored keyframes (materialized by interpolation), and fewer keyframes are
 * stored than shapes; a second import of the same file changes nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapeAt } from '../../dataset/track-interpolation.js';
import { SHAPE_FIELD } from '../../dataset/track-record.js';
import { renderCvatGeometry } from '../../formats/cvat/cvat-video-numbers.js';
import { parseCvatVideo } from '../../formats/cvat/read-cvat-video.js';
import { videoAsset, videoTracks, type StoredTrack } from '../read/video-tracks.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import type { Repository } from '../repository/repository.js';
import { VersoError } from '../../core/errors.js';
import { branchHead } from '../write/branch-head.js';
import { importCvat } from './import-cvat.js';

const REAL = join(__dirname, '../../../../shared/data/real/cvat');
const FILES = [
  ['traffic-video-tracking/annotations.xml', 20, 1751],
  ['basic-athletic-movement-annotation-project/annotations.xml', 3, 2434 + 329],
  ['dagshub-annotation-converter/tests/cvat_video/res/sample_video.xml', 2, 10],
  ['datumaro/tests/assets/cvat_dataset/for_video/annotations.xml', 3, 7],
] as const;

let dir: string;
let repo: Repository;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-cvat-video-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('import cvat (video)', () => {
  it.each(FILES)('%s: every shape comes back from the keyframes', async (file, tracks, shapes) => {
    const path = join(REAL, file);
    const result = await importCvat(repo, { path, branch: 'main' });
    expect('kind' in result && result.kind).toBe('video');
    const cvat = parseCvatVideo(readFileSync(path, 'utf8'), path);
    expect(cvat.tracks).toHaveLength(tracks);
    expect(cvat.tracks.reduce((n, t) => n + t.shapes.length, 0)).toBe(shapes);

    const { snapshot } = await branchHead(repo, 'main');
    const asset = await videoAsset(repo, snapshot, cvat.video);
    expect(asset.frame_count).toBe(cvat.lastFrame + 1);
    const stored = new Map<string, StoredTrack>();
    for (const t of await collect(videoTracks(repo, snapshot, cvat.video))) stored.set(t.id, t);
    let keyframes = 0;
    for (const t of cvat.tracks) {
      const s = stored.get(t.id)!;
      expect(s.track).toEqual(t.track);
      keyframes += s.keyframes.length;
      const field = SHAPE_FIELD[t.track.shape];
      const listed = new Set(t.shapes.map((x) => x.frame));
      for (const want of t.shapes) {
        const got = shapeAt(t.track.shape, s.keyframes, want.frame, cvat.lastFrame);
        expect(got, `track ${t.id} frame ${want.frame}`).toBeDefined();
        const { keyframe: _k, ...record } = got!.record;
        expect({ ...record, [field]: renderCvatGeometry(field, record[field]) }).toEqual({
          ...want.record,
          [field]: renderCvatGeometry(field, want.record[field]),
        });
      }
      // nowhere else a visible shape
      for (let f = cvat.asset.start_frame ?? 0; f <= cvat.lastFrame; f += cvat.step) {
        const got = shapeAt(t.track.shape, s.keyframes, f, cvat.lastFrame);
        if (!listed.has(f) && got)
          expect(got.record.outside, `track ${t.id} frame ${f}`).toBe(true);
      }
    }
    expect(keyframes).toBeLessThanOrEqual(shapes + tracks);

    const again = await importCvat(repo, { path, branch: 'main' });
    expect(again.committed).toBe(false);
  });

  it('stores fewer keyframes than shapes where CVAT interpolated', async () => {
    const path = join(REAL, FILES[1][0]);
    const { snapshot } = await branchHead(repo, 'main');
    const cvat = parseCvatVideo(readFileSync(path, 'utf8'), path);
    let keyframes = 0;
    for (const t of await collect(videoTracks(repo, snapshot, cvat.video)))
      keyframes += t.keyframes.length;
    expect(keyframes).toBeLessThan(FILES[1][2] / 2);
  });
});

describe('import cvat: options that do not apply are refused, nothing written', () => {
  const video = join(REAL, FILES[2][0]);
  const images = join(REAL, 'dagshub-annotation-converter/tests/fs_import/cvat/annotations.xml');
  it.each([
    ['an annotator', { labelingOwner: { annotator: 'ann' } }, "annotators' labelings"],
    ['annotators from the labels', { labelingOwner: { fromLabels: true } }, 'labelings'],
    ['an image folder', { images: REAL }, 'an image folder'],
    ['replace-all', { mode: 'replace_all' }, 'replacing every label'],
    ['clip', { policy: { clip: true } }, 'clipping labels'],
    ['unknown images', { policy: { allowUnknownImages: true } }, 'labels on unknown images'],
  ] as const)('a video export with %s', async (_what, extra, says) => {
    const before = await branchHead(repo, 'main');
    const error = await importCvat(repo, { path: video, branch: 'main', ...extra }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VersoError);
    expect((error as VersoError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toContain('CVAT for video export');
    expect((error as Error).message).toContain(says);
    expect((await branchHead(repo, 'main')).head).toBe(before.head);
  });

  it('an images export with a video id', async () => {
    const before = await branchHead(repo, 'main');
    const error = await importCvat(repo, { path: images, branch: 'main', video: 'v' }).catch(
      (e: unknown) => e,
    );
    expect((error as VersoError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toContain('has no video');
    expect((await branchHead(repo, 'main')).head).toBe(before.head);
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
