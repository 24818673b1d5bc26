/**
 * `verso export REF --format voc --out DIR`: a snapshot as Pascal VOC (layer: api).
 *
 * Writes `Annotations/<image>.xml` for every image (also those without labels, so a re-import
 * covers them) and `ImageSets/Main/<split>.txt` (image ids) per split. `<filename>` is the base
 * name of the asset's `file_name` (`<image>.jpg` without an asset), so it reads back as the same
 * image id; `<size>` from the asset record: an image without one is an `ImagesWithoutSizeError`
 * (VOC readers need `<size>`). Objects: `formats/voc/write-voc.ts`; labels without
 * a box (class tags, keypoints only) are left out and counted. Class names: the snapshot's one
 * category list's name for the label's class (`export-categories.ts`; a label of a class outside it is
 * left out and counted). With a filter (`export --where`) only matching labels, and only the
 * images that have one. With `--with-images`, the image files at `JPEGImages/<filename>`. The
 * folder is staged and renamed into place at the end: an error leaves nothing at `--out`.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ImagesWithoutSizeError } from './export-errors.js';
import { vocNumbers, vocXml } from '../../formats/voc/write-voc.js';
import { ImageFilePlacer } from './export-images.js';
import { writeStaged } from './export-out.js';
import { classNamer, imagesOf } from './export-common.js';
import type { Exporter } from './exporter.js';

export const exportVoc: Exporter = async (repo, _commit, snap, out, view) =>
  writeStaged(out, async (dir) => {
    mkdirSync(join(dir, 'Annotations'), { recursive: true });
    const className = classNamer(view);
    const images = view.withImages
      ? new ImageFilePlacer(repo, view.withImages === 'blobs-only')
      : undefined;
    const lists = new Map<string, number>();
    let [written, labels, skipped] = [0, 0, 0];
    try {
      for await (const img of imagesOf(repo, snap, view.mapContent, view.filter)) {
        const objects = [];
        for (const l of img.labels) {
          const name = className(l.content);
          if (name === undefined || !vocNumbers(l.content)) skipped++;
          else objects.push({ name, content: l.content });
        }
        const fileName = vocFileName(img.image, img.asset?.['file_name']);
        const [width, height] = [img.asset?.['width'], img.asset?.['height']];
        if (typeof width !== 'number' || typeof height !== 'number')
          throw new ImagesWithoutSizeError('VOC', [img.image], 1);
        const xml = vocXml(
          {
            fileName,
            width,
            height,
          },
          objects,
        );
        writeFileSync(join(dir, 'Annotations', `${img.image}.xml`), xml);
        await images?.place(img.image, img.asset, join(dir, 'JPEGImages', fileName));
        if (img.split !== undefined) {
          let fd = lists.get(img.split);
          if (fd === undefined) {
            mkdirSync(join(dir, 'ImageSets', 'Main'), { recursive: true });
            lists.set(
              img.split,
              (fd = openSync(join(dir, 'ImageSets', 'Main', `${img.split}.txt`), 'w')),
            );
          }
          writeSync(fd, `${img.image}\n`);
        }
        written++;
        labels += objects.length;
      }
    } finally {
      for (const fd of lists.values()) closeSync(fd);
    }
    return {
      images: written,
      labels,
      skipped,
      ...(images ? { image_files: images.counts() } : {}),
    };
  });

/** `<filename>`: the base name of the asset's `file_name` (so it reads back as the image id). */
function vocFileName(image: string, fileName: unknown): string {
  return typeof fileName === 'string'
    ? fileName.slice(fileName.lastIndexOf('/') + 1)
    : `${image}.jpg`;
}
