/**
 * `verso export REF --format cvat --out FILE.xml`: a snapshot as one CVAT 1.1 XML file, what
 * `verso import cvat` reads back (layer: api).
 *
 * A snapshot with video tracks is written as CVAT for video (`export-cvat-video.ts`): CVAT's
 * file holds one task, so one video, and no image labels; a snapshot with tracks on several
 * videos, or with tracks and image labels, is refused (naming them), as are a label filter, a
 * schema or image files (they apply to labels). Otherwise the image labels are written as CVAT
 * for images: one `<image id name width height subset>` per image that is not a video (its
 * `name` the asset's `file_name` when that reads back as the image id, else `<image>` with its
 * extension; `subset` its split), holding a shape per label (`formats/cvat/write-cvat-shapes.ts`;
 * a label CVAT cannot draw, an RLE mask or a multi-ring polygon, or one of a class outside a
 * schema's list, is left out and counted as skipped). Classes are declared in the order of the
 * snapshot's category list (the importer numbers undeclared classes by that position), then
 * the other classes the labels use. Images need a width and height (`ImagesWithoutSizeError`).
 * Two passes over the images: the first declares labels and checks sizes, the second streams.
 * The file is written in place and removed if the export fails.
 */
import { rmSync } from 'node:fs';
import { extname } from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';
import { CvatLabelSet } from '../../formats/cvat/cvat-label-set.js';
import {
  imageAttributes,
  imageShapeKind,
  imageShapeXml,
} from '../../formats/cvat/write-cvat-shapes.js';
import { cvatHead, CVAT_TAIL, element } from '../../formats/cvat/write-cvat-xml.js';
import { imageIdOfPath } from '../../formats/yolo/yolo-layout.js';
import { OutputFile } from '../../io/output-file.js';
import { scan } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { trackedVideos } from '../read/video-tracks.js';
import type { Repository } from '../repository/repository.js';
import { classNamer, imagesOf, type ImageEntry } from './export-common.js';
import { ImagesWithoutSizeError } from './export-errors.js';
import { writeCvatVideo } from './export-cvat-video.js';
import type { Exporter, ExportView } from './exporter.js';

export const exportCvat: Exporter = async (repo, commit, snap, out, view) => {
  const videos = await trackedVideos(repo, snap);
  if (videos.length > 0) await refuseForVideo(repo, snap, videos, view);
  const file = OutputFile.open(out);
  try {
    const counts =
      videos.length > 0
        ? await writeCvatVideo(repo, snap, commit, videos[0]!, file)
        : await writeCvatImages(repo, snap, view, file);
    await file.close();
    return counts;
  } catch (e) {
    file.abort();
    rmSync(out, { force: true });
    throw e;
  }
};

async function refuseForVideo(
  repo: Repository,
  snap: Snapshot,
  videos: readonly string[],
  view: ExportView,
): Promise<void> {
  const refuse = (why: string) => {
    throw new InvalidArgumentError('snapshot for CVAT', videos.join(', '), why);
  };
  if (videos.length > 1)
    refuse(
      `a CVAT for video file holds one video, and ${videos.length} videos of this snapshot have tracks`,
    );
  const given = [
    view.filter ? 'a label filter' : undefined,
    view.mapContent ? 'a schema version' : undefined,
  ].filter((g) => g !== undefined);
  if (given.length > 0)
    refuse(
      `it has video tracks, written as CVAT for video, so ${given.join(' and ')} cannot apply`,
    );
  const labels = scan(repo.nodes, treeRoot(snap, 'labels'));
  const first = await labels.next();
  await labels.return(undefined);
  if (!first.done)
    refuse(
      'it has video tracks and image labels, and a CVAT file is either CVAT for video (tracks) or CVAT for images (labels)',
    );
}

async function writeCvatImages(
  repo: Repository,
  snap: Snapshot,
  view: ExportView,
  file: OutputFile,
): Promise<{ images: number; labels: number; skipped?: number }> {
  const labels = new CvatLabelSet();
  for (const c of view.categories) labels.declare(c.name);
  const className = classNamer(view);
  const walk = () => imagesOf(repo, snap, view.mapContent, view.filter);
  const shapesOf = (img: ImageEntry) =>
    img.labels.map((l) => {
      const name = className(l.content);
      const kind = name === undefined ? undefined : imageShapeKind(l.content);
      return name === undefined || kind === undefined ? undefined : { name, kind, l };
    });

  let [images, skipped] = [0, 0];
  const unsized: string[] = [];
  for await (const img of walk()) {
    if (isVideo(img)) continue;
    images++;
    if (sizeOf(img) === undefined) unsized.push(img.image);
    for (const s of shapesOf(img)) {
      const why =
        s &&
        labels.use(
          s.name,
          imageAttributes(s.l.content),
          s.kind.kind === 'skeleton' ? s.kind.points : undefined,
        );
      if (why !== undefined) throw new InvalidArgumentError('label for CVAT', s!.l.label, why);
    }
  }
  if (unsized.length > 0)
    throw new ImagesWithoutSizeError('CVAT', unsized.slice(0, 10), unsized.length);

  await file.write(
    cvatHead({ name: 'verso', size: images, mode: 'annotation', labels: labels.xml() }),
  );
  let [index, written] = [0, 0];
  for await (const img of walk()) {
    if (isVideo(img)) continue;
    const { width, height } = sizeOf(img)!;
    const children = [];
    for (const s of shapesOf(img)) {
      if (!s) {
        skipped++;
        continue;
      }
      children.push(
        `    ${imageShapeXml(s.name, s.l.content, s.kind, labels.partNames(s.name))}\n`,
      );
    }
    written += children.length;
    const attrs = [
      ['id', index++],
      ['name', imageName(img)],
      ['width', width],
      ['height', height],
      ['subset', img.split],
    ] as const;
    await file.write(
      `  ${element('image', attrs, children.length > 0 ? `\n${children.join('')}  ` : '')}\n`,
    );
  }
  await file.write(CVAT_TAIL);
  return { images, labels: written, ...(skipped > 0 ? { skipped } : {}) };
}

const isVideo = (img: ImageEntry) => img.asset?.['frame_count'] !== undefined;

function sizeOf(img: ImageEntry): { width: number; height: number } | undefined {
  const [width, height] = [img.asset?.['width'], img.asset?.['height']];
  return typeof width === 'number' && typeof height === 'number' ? { width, height } : undefined;
}

/** The asset's `file_name` when it reads back as the image id, else the id with its extension. */
function imageName(img: ImageEntry): string {
  const fileName = img.asset?.['file_name'];
  if (typeof fileName !== 'string') return `${img.image}.jpg`;
  return imageIdOfPath(fileName) === img.image
    ? fileName
    : `${img.image}${extname(fileName) || '.jpg'}`;
}
