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

function imageSize(img: ImageEntry): { width: number; height: number } {
  const [width, height] = [img.asset?.['width'], img.asset?.['height']];
  if (typeof width === 'number' && typeof height === 'number') return { width, height };
  throw new InvalidArgumentError(
    'image',
    img.image,
    'has no width/height in its asset record; YOLO coordinates need them',
    { missing: 'image-size' },
  );
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
        const lines: string[] = [];
        const size = imageSize(img);
        for (const l of img.labels) {
          const numbers = yoloNumbers(l.content, size, kind);
          const cls = numbers && classes.indexOf(l.content);
          if (numbers === undefined || cls === undefined) skipped++;
          else lines.push(yoloLine(cls, numbers));
        }
        const sub = img.split === undefined ? [] : [img.split];
        const file = join(dir, 'labels', ...sub, `${img.image}.txt`);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
        if (img.split !== undefined) splits.add(img.split);
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
