/**
 * What the image-by-image exporters share (layer: api): the walk of a snapshot image by image
 * (`imagesOf`: asset record, split and labels side by side, or only the images a filter matches)
 * and the class indices fixed by the snapshot's category list (`ClassIndex`; `classNamer` for
 * the formats that name classes). YOLO, VOC and CVAT use them; no exporter borrows from another.
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { decodeTuple } from '../../core/tuple.js';
import { decodeLabelKey, encodeImageKey } from '../../dataset/label-key.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { getValue, scan } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { LabelFilter } from '../query/query-filter.js';
import type { ExportView } from './exporter.js';
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

/**
 * The class name a format that names classes (VOC, CVAT) writes for a label: its class's name
 * in the snapshot's category list; for a class outside it, its own name (`category`, else
 * `category_id`), unless the list is a schema's (then undefined: the label is left out).
 */
export function classNamer(
  view: Pick<ExportView, 'categories' | 'categorySource'>,
): (content: LabelContent) => string | undefined {
  const classes = new ClassIndex(view.categories);
  return (content) => {
    const cls = classes.indexOf(content);
    if (cls !== undefined) return classes.names[cls];
    if (view.categorySource === 'schema') return undefined;
    const [name, id] = [content['category'], content['category_id']];
    if (typeof name === 'string') return name;
    return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
  };
}
