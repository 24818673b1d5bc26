/**
 * `verso import yolo PATH [--branch B] [--images DIR] [-m MSG]`: a YOLO dataset (detect, segment
 * or pose) into a branch, one commit (layer: api).
 *
 * PATH is the dataset folder or its `data.yaml` / `obj.data` (`formats/yolo/yolo-config.ts`).
 * Label files are read one at a time (`read-yolo.ts`); normalised coordinates are turned into
 * pixels with the image's size: from `--images DIR` (where every image must then be), else image
 * files inside the dataset, else the branch's asset record, else an error naming the file and
 * the image. Class index -> name
 * from the configuration; the name -> `category_id` rule is `reimport-match-categories.ts` (the
 * branch's id for a known name, else the YOLO index). Images are matched against the branch
 * (`reimport-match-import.ts`), splits come from the configuration's train/val/test.
 */
import { basename } from 'node:path';
import { FormatParseError } from '../../core/errors.js';
import {
  parseYoloLabels,
  yoloShapeContent,
  type YoloShapeKind,
} from '../../formats/yolo/read-yolo.js';
import { yoloNumbers } from '../../formats/yolo/write-yolo.js';
import { readYoloConfig } from '../../formats/yolo/yolo-config.js';
import { listYoloFiles } from '../../formats/yolo/yolo-layout.js';
import type { ImageSize } from '../../dataset/label-geometry.js';
import { readTextFile } from '../../io/text-file.js';
import type { FormatPrecision } from '../../dataset/label-match.js';
import {
  importImages,
  type FormatImportOptions,
  type ImageImportResult,
  type IncomingLabel,
} from './reimport-match-import.js';
import { findImage, ImageFiles } from './reimport-match-images.js';
import type { Repository } from '../repository/repository.js';

export type ImportYoloOptions = FormatImportOptions;

/** YOLO writes 6 decimals of a normalised coordinate; pixel rounding adds a little. */
const YOLO_TOLERANCE = 2e-6;
const GEOMETRY: Readonly<Record<YoloShapeKind, readonly string[]>> = {
  detect: ['bbox'],
  segment: ['segmentation', 'bbox'],
  pose: ['bbox', 'keypoints', 'num_keypoints'],
};

export function yoloPrecision(size: ImageSize, kind: YoloShapeKind): FormatPrecision {
  return {
    render: (c) => yoloNumbers(c, size, kind),
    tolerance: YOLO_TOLERANCE,
    geometry: GEOMETRY[kind],
    fields: ['category_id', 'category'],
  };
}

export async function importYolo(
  repo: Repository,
  opts: ImportYoloOptions,
): Promise<ImageImportResult> {
  const config = readYoloConfig(opts.path);
  const layout = listYoloFiles(config);
  const folder = await ImageFiles.ofOption(opts.images);
  const files = [...(folder ? [folder] : []), ImageFiles.of(config.root, layout.images)];
  const { labelFiles } = layout;
  return importImages(
    repo,
    {
      ...opts,
      message: opts.message ?? `Import YOLO ${basename(opts.path)}`,
      describe: (tag) => [labelFiles[tag]?.path ?? opts.path, 'label file'],
    },
    async (ctx) => {
      // Every class in index order, so that the kept list (and a YOLO export) has all of them.
      for (const [index, name] of [...config.names].sort((a, b) => a[0] - b[0]))
        await ctx.categories.idFor(name, index);
      for (let tag = 0; tag < labelFiles.length; tag++) {
        const f = labelFiles[tag]!;
        const shapes = parseYoloLabels(readTextFile(f.path), f.path, config);
        folder?.require(f.image, f.path, 1);
        const known = await findImage(f.image, files, await ctx.storedAsset(f.image));
        if (!known && shapes.length > 0)
          throw new FormatParseError(
            f.path,
            shapes[0]!.line,
            'image',
            `no size for image '${f.image}' (YOLO coordinates are relative): no image file with that id in the images folder or the dataset, and branch '${opts.branch}' has no asset record with a size`,
          );
        const size = known ?? { width: 1, height: 1 };
        const labels: IncomingLabel[] = [];
        for (const s of shapes) {
          const name = config.names.get(s.cls)!;
          const id = await ctx.categories.idFor(name, s.cls);
          labels.push({ content: yoloShapeContent(s, size, id, name, f.path), where: s.line });
        }
        await ctx.put({
          image: f.image,
          tag,
          labels,
          precision: yoloPrecision(size, shapes[0]?.kind ?? (config.kpt ? 'pose' : 'detect')),
          ...(known?.asset ? { asset: known.asset } : {}),
          ...(f.split !== undefined ? { split: f.split } : {}),
        });
      }
      return {
        format: 'yolo',
        path: basename(opts.path),
        files: labelFiles.length,
        classes: config.names.size,
      };
    },
  );
}
