/**
 * `verso export REF --format voc --out DIR`: a snapshot as Pascal VOC (layer: api).
 *
 * Writes `Annotations/<image>.xml` for every image (also those without labels, so a re-import
 * covers them) and `ImageSets/Main/<split>.txt` (image ids) per split. `<filename>` is the base
 * name of the asset's `file_name` (`<image>.jpg` without an asset), so it reads back as the same
 * image id; `<size>` from the asset record: an image without one is an `ImagesWithoutSizeError`
 * (VOC readers need `<size>`), raised before that image's file is written. Objects: `formats/voc/write-voc.ts`; labels without
 * a box (class tags, keypoints only) are left out and counted. Class names: the label's
 * `category`, else the kept category list's name for its id. With a filter (`export --where`)
 * only matching labels, and only the images that have one.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ImagesWithoutSizeError } from '../core/errors.js';
import { vocNumbers, vocXml } from '../formats/voc/write-voc.js';
import { ClassIndex, imagesOf, prepareOutFolder } from './export-yolo.js';
import type { Exporter } from './exporter.js';

export const exportVoc: Exporter = async (repo, commit, snap, out, view) => {
  prepareOutFolder(out);
  mkdirSync(join(out, 'Annotations'), { recursive: true });
  const classes = new ClassIndex(view.categories);
  const lists = new Map<string, number>();
  let [images, labels, skipped] = [0, 0, 0];
  try {
    for await (const img of imagesOf(repo, snap, view.mapContent, view.filter)) {
      const objects = [];
      for (const l of img.labels) {
        const cls = classes.indexOf(l.content);
        if (cls === undefined || !vocNumbers(l.content)) skipped++;
        else objects.push({ name: classes.names[cls]!, content: l.content });
      }
      const fileName = img.asset?.['file_name'];
      const [width, height] = [img.asset?.['width'], img.asset?.['height']];
      if (typeof width !== 'number' || typeof height !== 'number')
        throw new ImagesWithoutSizeError('VOC', [img.image], 1);
      const xml = vocXml(
        {
          fileName:
            typeof fileName === 'string'
              ? fileName.slice(fileName.lastIndexOf('/') + 1)
              : `${img.image}.jpg`,
          width,
          height,
        },
        objects,
      );
      writeFileSync(join(out, 'Annotations', `${img.image}.xml`), xml);
      if (img.split !== undefined) {
        let fd = lists.get(img.split);
        if (fd === undefined) {
          mkdirSync(join(out, 'ImageSets', 'Main'), { recursive: true });
          lists.set(
            img.split,
            (fd = openSync(join(out, 'ImageSets', 'Main', `${img.split}.txt`), 'w')),
          );
        }
        writeSync(fd, `${img.image}\n`);
      }
      images++;
      labels += objects.length;
    }
  } finally {
    for (const fd of lists.values()) closeSync(fd);
  }
  return { images, labels, skipped };
};
