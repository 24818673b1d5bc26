/**
 * `verso export REF --format yolo|yolo-seg --out DIR`: a snapshot as an Ultralytics YOLO dataset
 * (layer: api).
 *
 * Writes the Ultralytics layout: `labels/<split>/<image>.txt` (`labels/<image>.txt` for images
 * without a split) for every image of the snapshot (an empty file for an image without labels,
 * so that a re-import covers it), and `data.yaml` (names by index, `<split>: images/<split>` per
 * split); with `--with-images`, the image files at `images/<split>/<image><ext>`
 * (`export-images.ts`). `yolo` writes detection lines, `yolo-seg` segmentation lines (how each
 * label is drawn: `formats/yolo/write-yolo.ts`); labels YOLO cannot draw, or whose class is not
 * in the category list, are left out and counted. Class index: the position in the snapshot's
 * one category list (`export-categories.ts`), the same whatever the filter. Coordinates need
 * the image size: an image without one is an error. The folder is staged and renamed into
 * place at the end (`export-out.ts`): an error leaves nothing at `--out`.
 * The snapshot is walked image by image (`imagesOf`, `export-common.ts`), one image's labels in memory at a time.
 * With a filter (`export --where`) only matching labels are written, and only the images that
 * have one, as the filter's plan yields them (an index plan never walks the whole snapshot).
 * A video (an asset record with `frame_count`) is written frame by frame
 * (`video-frame-labels.ts`): `labels/[<split>/]<video>/frame_<n>.txt` per frame (empty where no
 * box track is visible), its box tracks' interpolated boxes normalized by the video's
 * width/height (a video without them is refused, nothing written); no track ids (YOLO has none).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';
import type { YoloShapeKind } from '../../formats/yolo/read-yolo.js';
import { yoloDataYaml, yoloLine, yoloNumbers } from '../../formats/yolo/write-yolo.js';
import { withUsedClasses } from './export-categories.js';
import { ClassIndex, imagesOf, type ImageEntry } from './export-common.js';
import { ImageFilePlacer, imageFileName } from './export-images.js';
import { writeStaged } from './export-out.js';
import type { Exporter } from './exporter.js';
import { isVideoRecord, videoFrameLabels, type VideoRecord } from './video-frame-labels.js';
import type { Repository } from '../repository/repository.js';
import type { Snapshot } from '../../vcs/snapshot.js';

function imageSize(img: ImageEntry): { width: number; height: number } {
  const [width, height] = [img.asset?.['width'], img.asset?.['height']];
  if (typeof width === 'number' && typeof height === 'number') return { width, height };
  const video = isVideoRecord(img.asset);
  throw new InvalidArgumentError(
    video ? 'video' : 'image',
    img.image,
    `has no width/height in its asset record; YOLO coordinates ${video ? "of its frames' boxes " : ''}need them`,
    { missing: 'image-size' },
  );
}

/** YOLO lines of one image's labels (those it cannot draw, or of no class index, counted). */
function imageLines(img: ImageEntry, classes: ClassIndex, kind: YoloShapeKind) {
  const lines: string[] = [];
  let skipped = 0;
  const size = imageSize(img);
  for (const l of img.labels) {
    const numbers = yoloNumbers(l.content, size, kind);
    const cls = numbers && classes.indexOf(l.content);
    if (numbers === undefined || cls === undefined) skipped++;
    else lines.push(yoloLine(cls, numbers));
  }
  return { lines, skipped };
}

/**
 * A video's frames, one label file each at `<labels>/<video>/frame_<n>.txt`
 * (`video-frame-labels.ts`), empty for a frame without a visible box.
 */
async function writeVideoFrames(
  repo: Repository,
  snap: Snapshot,
  img: ImageEntry & { readonly asset: VideoRecord },
  labelsDir: string,
  classes: ClassIndex,
  kind: YoloShapeKind,
) {
  const size = imageSize(img);
  let [frames, labels, skipped] = [0, 0, 0];
  mkdirSync(join(labelsDir, img.image), { recursive: true });
  for await (const f of videoFrameLabels(repo, snap, img.image, img.asset)) {
    let text = '';
    for (const content of f.labels) {
      const numbers = yoloNumbers(content, size, kind);
      const cls = numbers && classes.indexOf(content);
      if (numbers === undefined || cls === undefined) skipped++;
      else {
        text += `${yoloLine(cls, numbers)}\n`;
        labels++;
      }
    }
    writeFileSync(join(labelsDir, `${f.name}.txt`), text);
    frames++;
  }
  return { frames, labels, skipped };
}

function yoloExporter(kind: YoloShapeKind): Exporter {
  return async (repo, _commit, snap, out, view) =>
    writeStaged(out, async (dir) => {
      const classes = new ClassIndex(
        await withUsedClasses(repo, snap, {
          categories: view.categories,
          source: view.categorySource,
        }),
      );
      const images = view.withImages
        ? new ImageFilePlacer(repo, view.withImages === 'blobs-only')
        : undefined;
      const splits = new Set<string>();
      let [written, labels, skipped] = [0, 0, 0];
      for await (const img of imagesOf(repo, snap, view.mapContent, view.filter)) {
        const sub = img.split === undefined ? [] : [img.split];
        if (img.split !== undefined) splits.add(img.split);
        if (isVideoRecord(img.asset)) {
          const v = { ...img, asset: img.asset };
          const done = await writeVideoFrames(
            repo,
            snap,
            v,
            join(dir, 'labels', ...sub),
            classes,
            kind,
          );
          [written, labels, skipped] = [
            written + done.frames,
            labels + done.labels,
            skipped + done.skipped,
          ];
          continue;
        }
        const { lines, skipped: left } = imageLines(img, classes, kind);
        skipped += left;
        const file = join(dir, 'labels', ...sub, `${img.image}.txt`);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
        await images?.place(
          img.image,
          img.asset,
          join(dir, 'images', ...sub, imageFileName(img.image, img.asset)),
        );
        written++;
        labels += lines.length;
      }
      writeFileSync(join(dir, 'data.yaml'), yoloDataYaml(classes.names, [...splits].sort()));
      return {
        images: written,
        labels,
        skipped,
        ...(images ? { image_files: images.counts() } : {}),
      };
    });
}

export const exportYolo: Exporter = yoloExporter('detect');
export const exportYoloSeg: Exporter = yoloExporter('segment');
