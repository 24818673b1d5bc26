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
 * The snapshot is walked image by image (`imagesOf`), one image's labels in memory at a time.
 * With a filter (`export --where`) only matching labels are written, and only the images that
 * have one, as the filter's plan yields them (an index plan never walks the whole snapshot).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { decodeTuple } from '../../core/tuple.js';
import { decodeLabelKey, encodeImageKey } from '../../dataset/label-key.js';
import type { LabelContent } from '../../dataset/label-line.js';
import type { YoloShapeKind } from '../../formats/yolo/read-yolo.js';
import { yoloDataYaml, yoloLine, yoloNumbers } from '../../formats/yolo/write-yolo.js';
import { getValue, scan } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { withUsedClasses } from './export-categories.js';
import { ImageFilePlacer, imageFileName } from './export-images.js';
import { writeStaged } from './export-out.js';
import type { Exporter } from './exporter.js';
import type { LabelFilter } from '../query/query-filter.js';
import type { Repository } from '../repository/repository.js';

type Obj = { [k: string]: JsonValue };

export interface ImageEntry {
  readonly image: string;
  readonly asset: Obj | undefined;
  readonly split: string | undefined;
  readonly labels: { readonly label: string; readonly content: LabelContent }[];
}

/**
 * Every image of the snapshot (assets, splits and labels walked side by side), in id order;
 * label content goes through `mapContent` when given. With `filter`, only the labels it
 * matches, and only the images that have one.
 */
export async function* imagesOf(
  repo: Repository,
  snap: Snapshot,
  mapContent?: (content: Uint8Array) => Uint8Array,
  filter?: LabelFilter,
): AsyncGenerator<ImageEntry> {
  if (filter) {
    yield* matchingImagesOf(repo, snap, filter, mapContent);
    return;
  }
  const assets = peekable(scan(repo.nodes, treeRoot(snap, 'assets')));
  const splits = peekable(scan(repo.nodes, treeRoot(snap, 'splits')));
  const labels = peekable(scan(repo.nodes, treeRoot(snap, 'labels')));
  const imageOf = (k: Uint8Array) => decodeTuple(k)[0]!;
  try {
    for (;;) {
      const heads = [await assets.peek(), await splits.peek(), await labels.peek()]
        .filter((e) => e !== undefined)
        .map((e) => imageOf(e[0]));
      if (heads.length === 0) return;
      const image = heads.reduce((a, b) =>
        Buffer.compare(Buffer.from(a), Buffer.from(b)) <= 0 ? a : b,
      );
      const take = async (p: Peekable) => {
        const e = await p.peek();
        if (e && imageOf(e[0]) === image) return (await p.next())[1];
        return undefined;
      };
      const asset = await take(assets);
      const split = await take(splits);
      const entry: ImageEntry = {
        image,
        asset: asset ? (decodeValue(asset) as Obj) : undefined,
        split: split ? (decodeValue(split) as string) : undefined,
        labels: [],
      };
      for (let e = await labels.peek(); e && imageOf(e[0]) === image; e = await labels.peek()) {
        await labels.next();
        const content = mapContent ? mapContent(e[1]) : e[1];
        entry.labels.push({
          label: decodeLabelKey(e[0]).label,
          content: decodeValue(content) as LabelContent,
        });
      }
      yield entry;
    }
  } finally {
    await Promise.all([assets.close(), splits.close(), labels.close()]);
  }
}

/**
 * The images with a label `filter` matches, in id order, with only those labels: the filter's
 * plan yields the labels (an index plan reads only the candidates), each image's asset record
 * and split by point lookup.
 */
async function* matchingImagesOf(
  repo: Repository,
  snap: Snapshot,
  filter: LabelFilter,
  mapContent?: (content: Uint8Array) => Uint8Array,
): AsyncGenerator<ImageEntry> {
  let entry: ImageEntry | undefined;
  for await (const batch of filter.batches(mapContent)) {
    for (const e of batch) {
      const { image, label } = decodeLabelKey(e.key);
      if (entry?.image !== image) {
        if (entry) yield entry;
        const key = encodeImageKey(image);
        const asset = await getValue(repo.nodes, treeRoot(snap, 'assets'), key);
        const split = await getValue(repo.nodes, treeRoot(snap, 'splits'), key);
        entry = {
          image,
          asset: asset ? (decodeValue(asset) as Obj) : undefined,
          split: split ? (decodeValue(split) as string) : undefined,
          labels: [],
        };
      }
      entry.labels.push({ label, content: decodeValue(e.label) as LabelContent });
    }
  }
  if (entry) yield entry;
}

type Entry = readonly [Uint8Array, Uint8Array];
interface Peekable {
  peek(): Promise<Entry | undefined>;
  next(): Promise<Entry>;
  close(): Promise<void>;
}

function peekable(it: AsyncGenerator<Entry>): Peekable {
  let head: IteratorResult<Entry> | undefined;
  const peek = async () => ((head ??= await it.next()).done ? undefined : (head.value as Entry));
  return {
    peek,
    async next() {
      const e = await peek();
      head = undefined;
      return e!;
    },
    close: async () => void (await it.return(undefined)),
  };
}

/**
 * Class indices fixed by the snapshot's category list (`export-categories.ts`): class i is the
 * list's i-th category. A label names its class by `category_id` (matched to the list's ids),
 * else by `category` (matched to its names); a class the list lacks has no index.
 */
export class ClassIndex {
  private readonly byKey = new Map<string, number>();
  readonly names: readonly string[];

  constructor(categories: readonly { id: number | string; name: string }[]) {
    this.names = categories.map((c) => c.name);
    categories.forEach((c, i) => {
      if (!this.byKey.has(`id:${c.id}`)) this.byKey.set(`id:${c.id}`, i);
      if (!this.byKey.has(`name:${c.name}`)) this.byKey.set(`name:${c.name}`, i);
    });
  }

  indexOf(content: LabelContent): number | undefined {
    const id = content['category_id'];
    if (typeof id === 'number' || typeof id === 'string') return this.byKey.get(`id:${id}`);
    const name = content['category'];
    return typeof name === 'string' ? this.byKey.get(`name:${name}`) : undefined;
  }
}

function imageSize(img: ImageEntry): { width: number; height: number } {
  const [width, height] = [img.asset?.['width'], img.asset?.['height']];
  if (typeof width === 'number' && typeof height === 'number') return { width, height };
  throw new InvalidArgumentError(
    'image',
    img.image,
    'has no width/height in its asset record; YOLO coordinates need them (verso add images, or import with --images)',
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
      const images = view.withImages ? new ImageFilePlacer(repo) : undefined;
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
