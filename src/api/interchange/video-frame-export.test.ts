/**
 * COCO and YOLO exports of videos on the real CVAT for video exports and MOT15 files: every
 * frame is an image `<video>/frame_<n>`, and its shapes (boxes, and the athletic file's
 * skeleton as keypoints) are exactly the stored keyframes' interpolation there (checked against
 * `shapeAt` frame by frame and, for box-only videos, against the MOT export of the same
 * snapshot, itself checked row for row against the source files); YOLO writes the boxes and
 * counts the skeleton frames it cannot hold as skipped; outside frames write nothing; image labels export as before; a video without a size
 * is refused for YOLO and COCO with nothing written.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersoError } from '../../core/errors.js';
import { frameTotal, videoFrames } from '../../dataset/track-frames.js';
import { shapeAt } from '../../dataset/track-interpolation.js';
import { motNumber } from '../../formats/mot/write-mot.js';
import { yoloLine, yoloNumbers } from '../../formats/yolo/write-yolo.js';
import { trackedVideos, videoAsset, videoTracks } from '../read/video-tracks.js';
import { openRepository } from '../repository/compose.js';
import { createBranch } from '../repository/refs.js';
import { initRepository } from '../repository/init-repository.js';
import type { Repository } from '../repository/repository.js';
import { branchHead } from '../write/branch-head.js';
import { exportSnapshot } from './export.js';
import { importCoco } from './import-coco.js';
import { importCvat } from './import-cvat.js';
import { importMot } from './import-mot.js';
import { frameLabelContent, videoFrameName } from './video-frame-labels.js';
import type { TrackRecord } from '../../dataset/track-record.js';

const REAL = join(__dirname, '../../../../shared/data/real');
const VIDEOS = [
  ['traffic-video-tracking/annotations.xml', true],
  ['basic-athletic-movement-annotation-project/annotations.xml', false],
] as const;

let dir: string;
let repo: Repository;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-video-frames-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

interface CocoFile {
  images: { id: number; file_name: string; width: number; height: number; frame?: number }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox?: number[];
    keypoints?: number[];
    attributes?: { track_id?: number | string; keyframe?: boolean };
  }[];
  categories: { id: number; name: string }[];
}

const box6 = (b: readonly number[]) => b.map(motNumber).join(',');

type Shape = { category: string; bbox?: readonly number[]; keypoints?: readonly number[] };

/**
 * The expected shapes, `frame -> track -> shape`, from the stored keyframes by `shapeAt` (a box
 * track's `bbox`, a skeleton's or points' `keypoints`), and how many are not boxes.
 */
async function expectedShapes(branch: string) {
  const { snapshot } = await branchHead(repo, branch);
  const [video] = await trackedVideos(repo, snapshot);
  const asset = await videoAsset(repo, snapshot, video!);
  const range = videoFrames(asset);
  const byFrame = new Map<number, Map<string, Shape>>();
  const outside: [number, string][] = [];
  let notBoxes = 0;
  for await (const t of videoTracks(repo, snapshot, video!)) {
    for (let f = range.first; f <= range.last; f += range.step) {
      const s = shapeAt(t.track.shape, t.keyframes, f, range.last);
      if (!s) continue;
      if (s.record.outside) outside.push([f, t.id]);
      else {
        if (!byFrame.has(f)) byFrame.set(f, new Map());
        const category = t.track.category;
        const box = t.track.shape === 'box';
        if (!box) notBoxes++;
        byFrame.get(f)!.set(t.id, box ? { category, bbox: s.record.bbox! } : { category, keypoints: s.record.keypoints! });
      }
    }
  }
  return { video: video!, asset, range, byFrame, outside, notBoxes };
} // prettier-ignore

describe('COCO and YOLO exports of videos, frame by frame', () => {
  it.each(VIDEOS)('%s', async (file, boxesOnly) => {
    const branch = file.split('/')[0]!;
    await createBranch(repo, branch);
    await importCvat(repo, { path: join(REAL, 'cvat', file), branch });
    const { video, asset, range, byFrame, outside, notBoxes } = await expectedShapes(branch);
    expect(notBoxes > 0).toBe(!boxesOnly);
    expect(outside.length).toBeGreaterThan(0);

    const cocoFile = join(dir, `${branch}.json`);
    const coco = await exportSnapshot(repo, { ref: branch, format: 'coco', out: cocoFile });
    const doc = JSON.parse(readFileSync(cocoFile, 'utf8')) as CocoFile;
    expect(doc.images).toHaveLength(frameTotal(range));
    expect(coco.images).toBe(frameTotal(range));
    const frameOf = new Map(doc.images.map((i) => [i.id, i]));
    for (const img of doc.images) {
      expect(img.file_name).toBe(videoFrameName(video, img.frame!));
      expect([img.width, img.height]).toEqual([asset.width, asset.height]);
    }
    const names = new Map(doc.categories.map((c) => [c.id, c.name]));
    const got = new Map<number, Map<string, Shape>>();
    for (const a of doc.annotations) {
      const f = frameOf.get(a.image_id)!.frame!;
      if (!got.has(f)) got.set(f, new Map());
      const category = names.get(a.category_id)!;
      got
        .get(f)!
        .set(
          String(a.attributes!.track_id),
          a.keypoints ? { category, keypoints: a.keypoints } : { category, bbox: a.bbox! },
        );
    }
    expect(got).toEqual(byFrame);
    for (const [f, track] of outside) expect(got.get(f)?.has(track) ?? false).toBe(false);
    expect(new Set(doc.annotations.map((a) => a.id)).size).toBe(doc.annotations.length);

    const yoloDir = join(dir, `${branch}-yolo`);
    const yolo = await exportSnapshot(repo, { ref: branch, format: 'yolo', out: yoloDir });
    expect(yolo.skipped ?? 0).toBe(notBoxes); // YOLO detection has no line for keypoints
    const yaml = readFileSync(join(yoloDir, 'data.yaml'), 'utf8');
    const classNames = [...yaml.matchAll(/^ {2}\d+: (.*)$/gm)].map(
      (m) => JSON.parse(m[1]!) as string,
    );
    const size = { width: asset.width!, height: asset.height! };
    const labelFiles = readdirSync(join(yoloDir, 'labels', video));
    expect(labelFiles).toHaveLength(frameTotal(range));
    for (let f = range.first; f <= range.last; f += range.step) {
      const name = `${videoFrameName(video, f)}.txt`;
      const lines = readFileSync(join(yoloDir, 'labels', name), 'utf8').split('\n');
      const expected = [...(byFrame.get(f)?.values() ?? [])]
        .filter((b) => b.bbox)
        .map((b) =>
          yoloLine(
            classNames.indexOf(b.category),
            yoloNumbers({ bbox: [...b.bbox!] }, size, 'detect')!,
          ),
        );
      expect(lines.filter((l) => l !== '').sort()).toEqual(expected.sort());
    }

    if (!boxesOnly) return;
    // The MOT export of the snapshot (checked row for row on the MOT15 files) agrees.
    const motDir = join(dir, `${branch}-mot`);
    await exportSnapshot(repo, { ref: branch, format: 'mot', out: motDir });
    const rows = readFileSync(join(motDir, video, 'gt', 'gt.txt'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(','))
      .map((c) => `${Number(c[0]) - 1}/${c[1]}/${c.slice(2, 6).join(',')}`);
    const fromCoco = doc.annotations.map(
      (a) => `${frameOf.get(a.image_id)!.frame}/${a.attributes!.track_id}/${box6(a.bbox!)}`,
    );
    expect(fromCoco.sort()).toEqual(rows.sort());
  });

  it('leaves the image labels of a snapshot with a video as they were', async () => {
    const file = join(
      REAL,
      'coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
    );
    await createBranch(repo, 'mixed');
    await importCoco(repo, { file, branch: 'mixed' });
    const before = join(dir, 'mixed-before.json');
    await exportSnapshot(repo, { ref: 'mixed', format: 'coco', out: before });
    await importCvat(repo, { path: join(REAL, 'cvat', VIDEOS[0][0]), branch: 'mixed' });
    const after = join(dir, 'mixed-after.json');
    await exportSnapshot(repo, { ref: 'mixed', format: 'coco', out: after });
    const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as CocoFile;
    const [a, b] = [read(before), read(after)];
    const frames = new Set(b.images.filter((i) => i.frame !== undefined).map((i) => i.id));
    expect(b.images.filter((i) => !frames.has(i.id))).toEqual(a.images);
    expect(b.annotations.filter((x) => !frames.has(x.image_id))).toEqual(a.annotations);
    expect(b.categories.slice(0, a.categories.length)).toEqual(a.categories);
  });

  it('refuses a video without width/height, writing nothing', async () => {
    const path = join(REAL, 'mot/SU-T/motmetrics/data/TUD-Campus/gt.txt');
    await createBranch(repo, 'unsized');
    await importMot(repo, { path, branch: 'unsized', sequence: 'campus' });
    for (const [format, out] of [
      ['yolo', join(dir, 'unsized-yolo')],
      ['coco', join(dir, 'unsized.json')],
    ] as const) {
      const err = await exportSnapshot(repo, { ref: 'unsized', format, out }).catch((e) => e);
      expect(err).toBeInstanceOf(VersoError);
      expect((err as Error).message).toMatch(/campus.*width\/height|width\/height.*campus/);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe('frameLabelContent', () => {
  const track = (shape: TrackRecord['shape']): TrackRecord => ({
    shape,
    category: 'road',
    attributes: { lane: 2 },
  });
  it('gives a polygon its extent and shoelace area, a polyline its extent, points their keypoints', () => {
    const square = frameLabelContent('7', track('polygon'), { segmentation: [[0, 0, 4, 0, 4, 3, 0, 3]] }, true);
    expect(square).toMatchObject({ category: 'road', segmentation: [[0, 0, 4, 0, 4, 3, 0, 3]], bbox: [0, 0, 4, 3], area: 12, iscrowd: 0 });
    expect(square['attributes']).toEqual({ lane: 2, occluded: false, keyframe: true, track_id: 7 });
    const line = frameLabelContent('a', track('polyline'), { polyline: [1, 5, 3, 2], occluded: true }, false);
    expect(line).toMatchObject({ polyline: [1, 5, 3, 2], bbox: [1, 2, 2, 3], attributes: { occluded: true, keyframe: false, track_id: 'a' } });
    expect(frameLabelContent('1', track('points'), { keypoints: [1, 2, 2] }, true)).toMatchObject({ keypoints: [1, 2, 2] });
    expect(frameLabelContent('1', track('box'), { bbox: [1, 2, 3, 4] }, true)).toMatchObject({ bbox: [1, 2, 3, 4], area: 12 });
  }); // prettier-ignore
});
