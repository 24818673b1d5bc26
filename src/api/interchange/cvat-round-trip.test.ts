/**
 * CVAT round trip on the real exports: import, `export --format cvat`, import the written file
 * into a fresh repository: the trees (assets, tracks and keyframes; or assets, labels, splits
 * and the category list) are identical, so every record is; importing the written file again
 * into the first repository changes nothing. For video, the written file also lists every
 * shape of the original frame by frame (as CVAT writes numbers: 2 decimals), keyframe or
 * interpolated, plus only the outside markers that end a track the original left open. A real
 * MOT15 sequence exported as CVAT and imported has the same boxes at every frame (at CVAT's 2
 * decimals; its confidence and world columns are named as not written).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAPE_FIELD } from '../../dataset/track-record.js';
import { renderCvatGeometry } from '../../formats/cvat/cvat-video-numbers.js';
import { parseCvatVideo, type CvatVideoTrack } from '../../formats/cvat/read-cvat-video.js';
import { materializeTrack } from '../../dataset/track-interpolation.js';
import { catLabelBlocks } from '../read/cat.js';
import { videoAsset, videoTracks } from '../read/video-tracks.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import type { Repository } from '../repository/repository.js';
import { branchHead } from '../write/branch-head.js';
import { exportSnapshot } from './export.js';
import { importCvat } from './import-cvat.js';
import { importMot } from './import-mot.js';

const REAL = join(__dirname, '../../../../shared/data/real/cvat');
const MOT = join(__dirname, '../../../../shared/data/real/mot/SU-T/motmetrics/data');
const VIDEOS = [
  'traffic-video-tracking/annotations.xml',
  'basic-athletic-movement-annotation-project/annotations.xml',
  'dagshub-annotation-converter/tests/cvat_video/res/sample_video.xml',
  'datumaro/tests/assets/cvat_dataset/for_video/annotations.xml',
];
/** Every other shape kind, typed attributes, names to escape: written below (`KINDS`). */
const KINDS_FILE = join(tmpdir(), `verso-cvat-kinds-${process.pid}.xml`);
const IMAGES = [
  'review_object_detection_metrics/data/database/gts/cvat_format/annotations.xml',
  'dagshub-annotation-converter/tests/fs_import/cvat/annotations.xml',
  'every shape kind (inline)',
];
const imagesPath = (name: string) => (name === IMAGES.at(-1) ? KINDS_FILE : join(REAL, name));

let dir: string;
let count = 0;
const open: Repository[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'verso-cvat-rt-'));
  writeFileSync(KINDS_FILE, KINDS);
});
afterAll(async () => {
  for (const r of open) await r.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(KINDS_FILE, { force: true });
});

const KINDS = `<?xml version="1.0" encoding="utf-8"?>
<annotations><version>1.1</version><meta><task><name>kinds</name><labels>
  <label><name>car</name><attributes>
    <attribute><name>parked</name><input_type>checkbox</input_type></attribute>
    <attribute><name>speed</name><input_type>number</input_type></attribute>
    <attribute><name>make</name><input_type>select</input_type></attribute>
  </attributes></label>
  <label><name>a&amp;b &lt;"c"&gt;</name></label>
  <label><name>road</name></label>
</labels></task></meta>
<image id="0" name="street.png" width="640" height="480" subset="train">
  <box label="car" occluded="1" xtl="10.5" ytl="20.25" xbr="110.75" ybr="90" rotation="12.5" z_order="2" group_id="3">
    <attribute name="parked">true</attribute><attribute name="speed">42.5</attribute>
    <attribute name="make">R&amp;D "x" &lt;y&gt;</attribute>
  </box>
  <polygon label="road" occluded="0" points="0,400;640,400;640,480;0,480" z_order="0"/>
  <polyline label="road" occluded="0" points="1.5,2.5;300.25,200;600,10" z_order="0"/>
  <points label="a&amp;b &lt;&quot;c&quot;&gt;" occluded="1" points="5,5;6.5,7" z_order="0"/>
  <ellipse label="car" occluded="0" cx="300" cy="200" rx="20.5" ry="10" z_order="-1">
    <attribute name="parked">false</attribute><attribute name="speed">0</attribute><attribute name="make"></attribute>
  </ellipse>
  <tag label="road" source="manual"/>
</image>
<image id="1" name="empty.png" width="32" height="16"/>
</annotations>
`;

async function freshRepo(): Promise<Repository> {
  const path = join(dir, `repo-${count++}`);
  await initRepository(path);
  const repo = await openRepository(path);
  open.push(repo);
  return repo;
}

/** Imports `file`, exports it as CVAT, imports the export into a fresh repository. */
async function roundTrip(file: string) {
  const first = await freshRepo();
  await importCvat(first, { path: file, branch: 'main' });
  const out = join(dir, `export-${count}.xml`);
  const exported = await exportSnapshot(first, { ref: 'main', format: 'cvat', out });
  const second = await freshRepo();
  await importCvat(second, { path: out, branch: 'main' });
  const [a, b] = [
    (await branchHead(first, 'main')).snapshot,
    (await branchHead(second, 'main')).snapshot,
  ];
  return { first, second, out, exported, a, b };
}

describe('CVAT round trip', () => {
  it.each(VIDEOS)('%s: the same tracks and keyframes, every shape frame by frame', async (name) => {
    const path = join(REAL, name);
    const { first, out, exported, a, b } = await roundTrip(path);
    expect(exported.tracks).toBeGreaterThan(0);
    for (const tree of ['assets', 'tracks', 'keyframes'] as const)
      expect(b.trees[tree], tree).toBe(a.trees[tree]);

    const original = parseCvatVideo(readFileSync(path, 'utf8'), path);
    const written = parseCvatVideo(readFileSync(out, 'utf8'), out);
    expect(written.video).toBe(original.video);
    expect(written.tracks.map((t) => [t.id, t.track])).toEqual(
      original.tracks.map((t) => [t.id, t.track]),
    );
    original.tracks.forEach((t, i) => expectSameShapes(t, written.tracks[i]!));

    const head = (await branchHead(first, 'main')).head;
    const again = await importCvat(first, { path: out, branch: 'main' });
    expect(again.committed).toBe(false);
    expect((await branchHead(first, 'main')).head).toBe(head);
  });

  it.each(IMAGES)('%s: the same images, labels, splits and classes', async (name) => {
    const path = imagesPath(name);
    const { first, out, exported, a, b, second } = await roundTrip(path);
    expect(exported.labels).toBeGreaterThan(0);
    expect(exported.skipped).toBeUndefined();
    for (const tree of ['assets', 'splits'] as const)
      expect(b.trees[tree], tree).toBe(a.trees[tree]);
    expect(b.categories).toBe(a.categories);
    // Label ids are the importer's (CVAT shapes have none): the same contents image by image.
    expect(await labelContents(second)).toEqual(await labelContents(first));

    const head = (await branchHead(first, 'main')).head;
    const again = await importCvat(first, { path: out, branch: 'main' });
    expect(again.committed).toBe(false);
    expect((await branchHead(first, 'main')).head).toBe(head);
  });
});

describe('MOT to CVAT', () => {
  it('the real MOT15 boxes, exported as CVAT and imported, are the same at every frame', async () => {
    const first = await freshRepo();
    await importMot(first, {
      path: join(MOT, 'TUD-Campus/gt.txt'),
      branch: 'main',
      sequence: 'campus',
    });
    const out = join(dir, 'campus.xml');
    const r = await exportSnapshot(first, { ref: 'main', format: 'cvat', out });
    expect(r.fields_left_out).toEqual(['confidence', 'world']);
    const second = await freshRepo();
    await importCvat(second, { path: out, branch: 'main' });
    const [a, b] = [await boxesByFrame(first), await boxesByFrame(second)];
    expect(b.size).toBe(a.size);
    expect(b).toEqual(a);
  });
});

/** Every visible box of video `campus`, keyed by track and frame, as CVAT writes numbers. */
async function boxesByFrame(repo: Repository): Promise<Map<string, string>> {
  const { snapshot } = await branchHead(repo, 'main');
  const last = (await videoAsset(repo, snapshot, 'campus')).frame_count - 1;
  const out = new Map<string, string>();
  for await (const t of videoTracks(repo, snapshot, 'campus'))
    for (const s of materializeTrack('box', t.keyframes, 0, last, last))
      if (!s.record.outside)
        out.set(`${t.id}@${s.frame}`, renderCvatGeometry('bbox', s.record.bbox));
  return out;
}

/** Every label of `main` as its `cat` line without the label id, sorted. */
async function labelContents(repo: Repository): Promise<string[]> {
  const lines: string[] = [];
  for await (const block of catLabelBlocks(repo, 'main', { workers: false }))
    for (const line of Buffer.from(block).toString('utf8').split('\n'))
      if (line !== '') lines.push(line.replace(/"label":"[^"]*",/, ''));
  return lines.sort();
}

function expectSameShapes(original: CvatVideoTrack, written: CvatVideoTrack): void {
  const field = SHAPE_FIELD[original.track.shape];
  const drawn = (s: CvatVideoTrack['shapes'][number]) => ({
    ...s.record,
    [field]: renderCvatGeometry(field, s.record[field]),
  });
  const byFrame = new Map(written.shapes.map((s) => [s.frame, s]));
  for (const want of original.shapes) {
    const got = byFrame.get(want.frame);
    expect(got && drawn(got), `track ${original.id} frame ${want.frame}`).toEqual(drawn(want));
    byFrame.delete(want.frame);
  }
  for (const extra of byFrame.values())
    expect(extra.record.outside, `track ${original.id} frame ${extra.frame}`).toBe(true);
}
