/**
 * `verso export REF --format coco`: a snapshot as one COCO instances file (layer: api).
 *
 * Numeric ids, decided before writing (two cheap pre-passes: the assets tree, the labels keys):
 * - image id: the asset's `source_id` (COCO's id, kept by `import coco`), else the image id when
 *   it is an integer, else the next free id; if those candidates collide, every image is
 *   numbered 1..n in key order;
 * - annotation id: the label id when it is an integer, else the next free id; if integer label
 *   ids repeat (ids are unique per image only), every annotation is numbered 1..n in key order.
 * Images with labels but no asset record are written with `file_name` = their image id.
 * Categories: the list kept by the last COCO import in the commit's history plus the ones the
 * labels use (`formats/coco/coco-categories.ts`).
 */
import type { JsonValue } from '../core/canonical.js';
import { decodeValue } from '../core/canonical.js';
import { decodeTuple } from '../core/tuple.js';
import { decodeLabelKey } from '../dataset/label-key.js';
import type { CocoCategory } from '../formats/coco/coco-model.js';
import { CocoWriter } from '../formats/coco/write-coco.js';
import { scan } from '../tree/read.js';
import { treeRoot, type Snapshot } from '../vcs/snapshot.js';
import { categoriesForCommit } from './categories.js';
import { scanLabelsWithReviews } from './label-review-scan.js';
import type { Exporter } from './exporter.js';
import type { Repository } from './repository.js';

type Obj = { [k: string]: JsonValue };

export const exportCoco: Exporter = async (repo, commit, snap, out) => {
  const kept = ((await categoriesForCommit(repo, commit)) ?? []) as CocoCategory[];
  const { imageIds, extraImages } = await planImageIds(repo, snap);
  const labelId = await planLabelIds(repo, snap);
  const writer = new CocoWriter(out, kept, { description: 'Verso export', commit });
  let labels = 0;
  try {
    for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'assets'))) {
      const image = decodeTuple(key)[0]!;
      writer.image(imageIds.get(image)!, decodeValue(value) as Obj);
    }
    for (const image of extraImages) writer.image(imageIds.get(image)!, { file_name: image });
    for await (const e of scanLabelsWithReviews(repo, snap)) {
      const k = decodeLabelKey(e.key);
      const review = e.review ? (decodeValue(e.review) as Obj) : undefined;
      writer.annotation(
        labelId(k.label),
        imageIds.get(k.image)!,
        decodeValue(e.label) as Obj,
        review,
      );
      labels++;
    }
    writer.end();
  } catch (e) {
    writer.abort();
    throw e;
  }
  return { images: imageIds.size, labels };
};

/** COCO ids of every image: assets first, then images that only labels name. */
async function planImageIds(repo: Repository, snap: Snapshot) {
  const candidates = new Map<string, number | undefined>();
  for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'assets'))) {
    const image = decodeTuple(key)[0]!;
    const source = (decodeValue(value) as Obj)['source_id'];
    candidates.set(image, isIdNumber(source) ? source : integerId(image));
  }
  const extraImages: string[] = [];
  let last: string | undefined;
  for await (const [key] of scan(repo.nodes, treeRoot(snap, 'labels'))) {
    const image = decodeLabelKey(key).image;
    if (image === last) continue;
    last = image;
    if (!candidates.has(image)) {
      candidates.set(image, integerId(image));
      extraImages.push(image);
    }
  }
  const assign = numbering([...candidates.values()]);
  const imageIds = new Map<string, number>();
  for (const [image, c] of candidates) imageIds.set(image, assign(c));
  return { imageIds, extraImages };
}

/** The annotation id of each label id, called in key order. */
async function planLabelIds(repo: Repository, snap: Snapshot): Promise<(label: string) => number> {
  const ids: (number | undefined)[] = [];
  for await (const [key] of scan(repo.nodes, treeRoot(snap, 'labels')))
    ids.push(integerId(decodeLabelKey(key).label));
  const assign = numbering(ids);
  return (label) => assign(integerId(label));
}

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

function integerId(s: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
