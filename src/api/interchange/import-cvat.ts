/**
 * `verso import cvat FILE.xml [--branch B] [--images DIR] [-m MSG]`: a CVAT for images 1.1 export
 * into a branch, one commit (layer: api).
 *
 * The file is parsed whole (`formats/cvat/read-cvat.ts`; a CVAT for video export, one with
 * `<track>` elements, is a video's tracks: `import-cvat-video.ts`); every
 * `<image>` is one covered image, matched against the branch (`reimport-match-import.ts`: CVAT
 * shapes have no ids). Class name -> id: the branch's id for a known name, else the label's
 * 1-based position in `<meta>` (what CVAT's own COCO export uses). Images carry their size;
 * with `--images`, each must also be found there.
 */
import { basename } from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';
import { cvatNumbers } from '../../formats/cvat/cvat-geometry.js';
import { parseCvat } from '../../formats/cvat/read-cvat.js';
import { imageIdOfPath } from '../../formats/yolo/yolo-layout.js';
import { readInputText } from '../../formats/file-kind.js';
import type { FormatPrecision } from '../../dataset/label-match.js';
import {
  importImages,
  type FormatImportOptions,
  type ImageImportResult,
  type IncomingLabel,
} from './reimport-match-import.js';
import { ImageFiles } from './reimport-match-images.js';
import type { Repository } from '../repository/repository.js';
import { importCvatVideo } from './import-cvat-video.js';
import type { VideoImportResult } from './write-video-tracks.js';

export interface ImportCvatOptions extends FormatImportOptions {
  /** A project export: import only this task's images (`<image task_id>`). */
  readonly task?: string;
  /** A video export: the video id (default: the task's source file name). */
  readonly video?: string;
}

/** A `<track>` element: the file is a CVAT for video export. */
const CVAT_TRACK = /<track[\s>]/;

export const CVAT_PRECISION: FormatPrecision = {
  render: cvatNumbers,
  tolerance: 0.006,
  geometry: ['bbox', 'segmentation', 'keypoints', 'polyline', 'ellipse', 'rotation'],
  fields: ['category_id', 'category', 'attributes', 'z_order', 'group_id', 'source'],
};

/**
 * The options that do not apply to the kind of export the file is, refused rather than ignored:
 * a video export's tracks replace the video's (no annotator labelings, image folder, whole-branch
 * label mode or label write policy); an images export has no video id.
 */
function refuseInapplicable(opts: ImportCvatOptions, video: boolean): void {
  const given = video
    ? [
        opts.labelingOwner !== undefined ? "annotators' labelings" : undefined,
        opts.images !== undefined ? 'an image folder' : undefined,
        opts.mode === 'replace_all' ? 'replacing every label of the branch' : undefined,
        opts.policy?.clip ? 'clipping labels' : undefined,
        opts.policy?.allowUnknownImages ? 'labels on unknown images' : undefined,
      ].filter((g) => g !== undefined)
    : [];
  if (given.length > 0)
    throw new InvalidArgumentError(
      'CVAT file',
      opts.path,
      `it is a CVAT for video export (its tracks replace the video's), so ${given.join(' and ')} cannot apply`,
    );
  if (!video && opts.video !== undefined)
    throw new InvalidArgumentError(
      'video id',
      opts.video,
      `${opts.path} is a CVAT for images export (no <track>), which has no video`,
    );
}

/** A CVAT for video export (`<track>` elements) goes to `importCvatVideo`. */
export async function importCvat(
  repo: Repository,
  opts: ImportCvatOptions,
): Promise<ImageImportResult | VideoImportResult> {
  const text = readInputText(opts.path, 'cvat');
  const video = CVAT_TRACK.test(text);
  refuseInapplicable(opts, video);
  if (video) return importCvatVideo(repo, { ...opts, text });
  const cvat = parseCvat(text, opts.path, {
    ...(opts.task !== undefined ? { task: opts.task } : {}),
  });
  const folder = await ImageFiles.ofOption(opts.images);
  const suggested = new Map(cvat.labels.map((name, i) => [name, i + 1]));
  return importImages(
    repo,
    {
      ...opts,
      message: opts.message ?? `Import CVAT ${basename(opts.path)}`,
      describe: (tag) => [opts.path, cvat.images[tag]?.record ?? `<image> #${tag}`],
    },
    async (ctx) => {
      for (const [name, id] of suggested) await ctx.categories.idFor(name, id);
      let shapes = 0;
      for (let tag = 0; tag < cvat.images.length; tag++) {
        const img = cvat.images[tag]!;
        const image = imageIdOfPath(img.name);
        folder?.require(image, opts.path, img.record);
        const labels: IncomingLabel[] = [];
        for (const s of img.shapes) {
          const id = await ctx.categories.idFor(s.name, suggested.get(s.name));
          labels.push({ content: { category_id: id, ...s.content }, where: s.record });
        }
        shapes += labels.length;
        await ctx.put({
          image,
          tag,
          labels,
          precision: CVAT_PRECISION,
          asset: { file_name: img.name, width: img.width, height: img.height },
          ...(img.subset !== undefined ? { split: img.subset } : {}),
        });
      }
      return { format: 'cvat', file: basename(opts.path), shapes };
    },
  );
}
