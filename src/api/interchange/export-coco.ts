/**
 * `verso export REF --format coco`: a snapshot as one COCO instances file (layer: api).
 *
 * Numeric ids, decided before writing (two cheap pre-passes: the assets tree, the labels keys):
 * - image id: the asset's `source_id` (COCO's id, kept by `import coco`), else the image id when
 *   it is an integer, else the next free id; if those candidates collide, every image is
 *   numbered 1..n in key order;
 * - annotation id: the label id when it is an integer, else the next free id; if integer label
 *   ids repeat (ids are unique per image only), every annotation is numbered 1..n in key order.
 * Every image written has its width and height: an image without a size (an asset record
 * without one, or labels without an asset record) is an `ImagesWithoutSizeError` naming it,
 * before anything is written (with a filter: before the images are; the file is removed).
 * Categories: the snapshot's one category list (`export-categories.ts`), the same ids whatever
 * the filter; a label of a class outside it (only under a schema) is left out and counted.
 * With a filter (`export --where`): only matching annotations, and only the images that have
 * one; the labels are read once, by the filter's plan, their annotations spooled to a scratch
 * file while the matching images are collected, then the images are written and the spool is
 * copied after them. Ids are planned over the whole snapshot, so an image or annotation keeps
 * the id it has in the unfiltered export.
 * With `--with-images`: each written image's file at `images/<file_name>` beside the file (its
 * base name when `file_name` is not a plain relative path), staged (`export-out.ts`).
 * Videos (asset records with `frame_count`) are written frame by frame (`video-frame-labels.ts`):
 * in place of the video's record, one image per frame `{file_name: <video>/frame_<n>, width,
 * height, video, frame}` numbered after every planned image id; after the labels, each box
 * track's visible box at each frame as an annotation (ids after every label id) with
 * `attributes.track_id`, `keyframe` and `occluded`, as CVAT's COCO export writes them. A
 * video's frames are streamed (two keyframes a track held, never its boxes); `--where` selects
 * labels, so a filtered export writes no frames; `--with-images` places no frame files.
 */
import type { JsonValue } from '../../core/canonical.js';
import { decodeValue, encodeValue } from '../../core/canonical.js';
import { videoFrames } from '../../dataset/track-frames.js';
import { selectMembers } from '../../core/canonical-members.js';
import { decodeTuple } from '../../core/tuple.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import type { CocoCategory } from '../../formats/coco/coco-model.js';
import { CocoWriter } from '../../formats/coco/write-coco.js';
import { scan, scanLeaves } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { scanLabelBatches } from '../read/label-review-scan.js';
import { dirname, isAbsolute, join } from 'node:path';
import type { ChunkHash } from '../../core/hash.js';
import { ImagesWithoutSizeError } from './export-errors.js';
import { UsedClasses } from './export-categories.js';
import { ImageFilePlacer, imageFileName } from './export-images.js';
import { writeStaged } from './export-out.js';
import type { ExportCounts, Exporter, ExportView } from './exporter.js';
import type { Repository } from '../repository/repository.js';
import {
  isVideoRecord,
  trackClasses,
  videoFrameLabels,
  videoFrameName,
  type VideoRecord,
} from './video-frame-labels.js';

type Obj = { [k: string]: JsonValue };

export const exportCoco: Exporter = async (repo, commit, snap, out, view) => {
  if (!view.withImages) return writeCoco(repo, commit, snap, out, view);
  // The image files go to `images/` beside the file, staged: an error leaves no folder.
  return writeStaged(
    join(dirname(out), 'images'),
    (dir) =>
      writeCoco(
        repo,
        commit,
        snap,
        out,
        view,
        new ImageFilePlacer(repo, view.withImages === 'blobs-only'),
        dir,
      ),
    { what: 'image folder (images/ beside the output file)', option: 'with-images' },
  );
};

async function writeCoco(
  repo: Repository,
  commit: ChunkHash,
  snap: Snapshot,
  out: string,
  view: ExportView,
  images?: ImageFilePlacer,
  imageDir?: string,
): Promise<ExportCounts> {
  const used = view.categorySource === 'schema' ? undefined : new UsedClasses(view.categories);
  const { imageIds, extraImages, labelId, unsized } = await planIds(repo, snap, used);
  if (!view.filter && unsized.size > 0) throw withoutSize(unsized);
  const kept = [...view.categories, ...(used?.list() ?? [])] as CocoCategory[];
  const info = { description: 'Verso export', commit };
  // Filtered: annotations first (spooled), learning which images have one, then those images.
  const spool = view.filter
    ? `${repo.scratchDir()}/coco-annotations-${Date.now()}.json`
    : undefined;
  const writer = new CocoWriter(out, kept, info, spool ? { spool } : {});
  const videos: FramedVideo[] = [];
  let lastImageId = 0;
  for (const id of imageIds.values()) lastImageId = Math.max(lastImageId, id);
  const frameIds = { next: lastImageId + 1 };
  let [labels, lastLabelId] = [0, 0];
  try {
    const writeImages = async (only?: ReadonlySet<string>) => {
      if (only) {
        const missing = new Set([...only].filter((i) => unsized.has(i)));
        if (missing.size > 0) throw withoutSize(missing);
      }
      for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'assets'))) {
        const image = decodeTuple(key)[0]!;
        if (only && !only.has(image)) continue;
        const asset = decodeValue(value) as Obj;
        if (isVideoRecord(asset)) {
          videos.push(writeFrameImages(writer, image, asset, frameIds));
          continue;
        }
        writer.image(imageIds.get(image)!, asset);
        await images?.place(image, asset, join(imageDir!, cocoImagePath(image, asset)));
      }
      for (const image of extraImages) {
        if (only && !only.has(image)) continue;
        writer.image(imageIds.get(image)!, { file_name: image });
        await images?.place(image, undefined, join(imageDir!, image));
      }
    };
    if (!view.filter) await writeImages();
    const matched = new Set<string>();
    let skipped = 0;
    const batches = view.filter
      ? view.filter.batches(view.mapContent)
      : scanLabelBatches(repo, snap, view.mapContent);
    for await (const batch of batches) {
      for (const e of batch) {
        const k = decodeLabelKey(e.key);
        const id = labelId(k.label);
        lastLabelId = Math.max(lastLabelId, id);
        if (writer.annotation(id, imageIds.get(k.image)!, e.label, e.review)) {
          if (view.filter) matched.add(k.image);
          labels++;
        } else skipped++;
      }
    }
    if (view.filter) await writeImages(matched);
    const boxes = await writeFrameLabels(repo, snap, writer, videos, lastLabelId + 1);
    writer.end();
    const frames = videos.reduce((n, v) => n + v.frames, 0);
    return {
      images: (view.filter ? matched.size : imageIds.size - videos.length) + frames,
      labels: labels + boxes.written,
      ...(skipped + boxes.skipped > 0 ? { skipped: skipped + boxes.skipped } : {}),
      ...(images ? { image_files: images.counts() } : {}),
    };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** A video written as frame images: its frames' image ids are `firstId + index`. */
interface FramedVideo {
  readonly video: string;
  readonly asset: VideoRecord;
  readonly firstId: number;
  readonly frames: number;
}

/**
 * A video's frames as images `{id, file_name: <video>/frame_<n>, width, height, video, frame}`
 * (`video-frame-labels.ts`), numbered from `ids.next` (after every image id of the plan).
 */
function writeFrameImages(
  writer: CocoWriter,
  video: string,
  asset: VideoRecord,
  ids: { next: number },
): FramedVideo {
  const range = videoFrames(asset);
  const firstId = ids.next;
  let frames = 0;
  for (let frame = range.first; frame <= range.last; frame += range.step, frames++)
    writer.image(ids.next++, {
      file_name: videoFrameName(video, frame),
      width: asset['width']!,
      height: asset['height']!,
      video,
      frame,
    });
  return { video, asset, firstId, frames };
}

/** The videos' frame labels as annotations numbered from `firstId` (after every label id). */
async function writeFrameLabels(
  repo: Repository,
  snap: Snapshot,
  writer: CocoWriter,
  videos: readonly FramedVideo[],
  firstId: number,
): Promise<{ written: number; skipped: number }> {
  let [id, skipped] = [firstId, 0];
  for (const v of videos)
    for await (const f of videoFrameLabels(repo, snap, v.video, v.asset))
      for (const label of f.labels) {
        if (writer.annotation(id, v.firstId + f.index, encodeValue(label))) id++;
        else skipped++;
      }
  return { written: id - firstId, skipped };
}

/** Images named in the error (the count is exact). */
const UNSIZED_LISTED = 10;

function withoutSize(images: ReadonlySet<string>): ImagesWithoutSizeError {
  const sorted = [...images].sort();
  return new ImagesWithoutSizeError('COCO', sorted.slice(0, UNSIZED_LISTED), sorted.length);
}

/** Where an image goes under `images/`: its `file_name` when that is a plain relative path. */
function cocoImagePath(image: string, asset: Obj): string {
  const name = asset['file_name'];
  if (typeof name !== 'string') return imageFileName(image, asset);
  const parts = name.split('/');
  const plain = !isAbsolute(name) && parts.every((p) => p !== '' && p !== '.' && p !== '..');
  return plain ? name : imageFileName(image, asset);
}

/**
 * COCO ids of every image (assets first, then images that only labels name) and of every
 * annotation, planned in one pass over the assets tree and one over the labels, which also
 * feeds `used` (the classes outside the category list) when given; and the images without a
 * size.
 */
async function planIds(repo: Repository, snap: Snapshot, used?: UsedClasses) {
  const candidates = new Map<string, number | undefined>();
  const unsized = new Set<string>();
  for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'assets'))) {
    const image = decodeTuple(key)[0]!;
    const [source, width, height] = selectMembers(value, SOURCE_ID);
    candidates.set(image, isIdNumber(source) ? source : integerId(image));
    if (typeof width !== 'number' || typeof height !== 'number') unsized.add(image);
  }
  const extraImages: string[] = [];
  const labelCandidates: (number | undefined)[] = [];
  let last: string | undefined;
  for await (const run of scanLeaves(repo.nodes, treeRoot(snap, 'labels'))) {
    for (let i = run.from; i < run.to; i++) {
      const k = decodeLabelKey(run.keys[i]!);
      labelCandidates.push(integerId(k.label));
      used?.add(run.values[i]!);
      if (k.image === last) continue;
      last = k.image;
      if (!candidates.has(k.image)) {
        candidates.set(k.image, integerId(k.image));
        extraImages.push(k.image);
        unsized.add(k.image);
      }
    }
  }
  for await (const cls of trackClasses(repo, snap)) used?.add(cls);
  const assignImage = numbering([...candidates.values()]);
  const imageIds = new Map<string, number>();
  for (const [image, c] of candidates) imageIds.set(image, assignImage(c));
  const assignLabel = numbering(labelCandidates);
  return {
    imageIds,
    extraImages,
    unsized,
    labelId: (label: string) => assignLabel(integerId(label)),
  };
}

const SOURCE_ID = ['source_id', 'width', 'height'] as const;

/**
 * Keeps candidate ids when they are unique and numbers the others from max + 1; numbers
 * everything 1..n (in call order) when candidates repeat.
 */
function numbering(candidates: readonly (number | undefined)[]): (c: number | undefined) => number {
  const given = candidates.filter((c): c is number => c !== undefined);
  const sorted = Float64Array.from(given).sort();
  let unique = true;
  for (let i = 1; i < sorted.length && unique; i++) unique = sorted[i] !== sorted[i - 1];
  let next = unique ? (sorted.length > 0 ? sorted[sorted.length - 1]! : 0) + 1 : 1;
  return unique ? (c) => c ?? next++ : () => next++;
}

const isIdNumber = (v: JsonValue | undefined): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The id as a number when it is a canonical decimal integer (no sign, no leading zero). */
function integerId(s: string): number | undefined {
  const len = s.length;
  if (len === 0 || len > 16 || (len > 1 && s.charCodeAt(0) === 48)) return undefined;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return Number.isSafeInteger(n) ? n : undefined;
}
