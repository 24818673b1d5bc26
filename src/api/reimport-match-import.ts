/**
 * The per-image import that YOLO, Pascal VOC, CVAT and Label Studio share (layer: api): images
 * come one by one with their labels; each is matched against the branch and pushed into the
 * record sink (`record-import.ts`), one commit.
 *
 * Rules (docs/formats.md, "Re-import matching"):
 * - an image the import covers (a label file, an XML, a CVAT `<image>`, a Label Studio task,
 *   even with no labels) gets exactly the import's labels. Incoming labels without an id are
 *   matched against the branch's labels of that image (`reimport-match.ts`); labels with an id
 *   (Label Studio) are put as given. Stored labels left unmatched are deleted, except those the
 *   format cannot draw at all (a class tag or a keypoints-only label in YOLO): the file could not
 *   have held them, so they are kept;
 * - images the import does not cover keep their labels and reviews as they are;
 * - new labels get ids counting up from the largest integer label id in the branch (1 on an
 *   empty branch), so ids stay unique across the dataset (a COCO export keeps them);
 * - assets: an image the branch has keeps its record, with `width`/`height` updated if the import
 *   says otherwise; a new image gets the import's record;
 * - splits: the import's, when the format gives one.
 * Covered images go through an external sort (bounded memory) that is walked beside the branch's
 * labels to carry the others over; an image covered twice is an error naming both records.
 */
import { decodeValue, type JsonValue } from '../core/canonical.js';
import { decodeTuple } from '../core/tuple.js';
import { FormatParseError } from '../core/errors.js';
import { decodeAssetRecord, type AssetRecord } from '../dataset/asset-record.js';
import {
  decodeLabelKey,
  encodeImageKey,
  idTooLong,
  imageLabelRange,
} from '../dataset/label-key.js';
import type { LabelContent } from '../dataset/label-line.js';
import { ExternalSorter } from '../io/external-sort.js';
import { getValue, scan } from '../tree/read.js';
import { treeRoot, type Snapshot } from '../vcs/snapshot.js';
import { branchHead } from './branch-head.js';
import { scanLabelsWithReviews } from './label-review-scan.js';
import type { ProgressFn } from './progress.js';
import {
  importRecords,
  type RecordImportResult,
  type RecordKind,
  type RecordSink,
} from './record-import.js';
import { CategoryIds } from './reimport-match-categories.js';
import {
  matchImageLabels,
  mergeMatched,
  type FormatPrecision,
  type StoredLabel,
} from './reimport-match.js';
import type { Repository } from './repository.js';

export interface IncomingLabel {
  /** The source's label id, for formats that have one (then no matching). */
  readonly id?: string;
  readonly content: LabelContent;
  readonly review?: LabelContent;
}

export interface IncomingImage {
  readonly image: string;
  /** Names the record in errors (the importer's `describe`). */
  readonly tag: number;
  /** What the source says about the image: `file_name`, `width`, `height`, ... */
  readonly asset?: LabelContent;
  readonly split?: string;
  readonly labels: readonly IncomingLabel[];
  readonly precision: FormatPrecision;
}

export interface ImageImportContext {
  readonly snapshot: Snapshot;
  readonly categories: CategoryIds;
  /** The branch's asset record of an image (for its size), if any. */
  storedAsset(image: string): Promise<AssetRecord | undefined>;
  put(image: IncomingImage): Promise<void>;
}

/** What every per-image importer takes (`verso import FORMAT PATH ...`). */
export interface FormatImportOptions {
  readonly path: string;
  readonly branch: string;
  /** Folder of the image files: sizes, and every image an annotation names must be there. */
  readonly images?: string;
  readonly message?: string;
  readonly onProgress?: ProgressFn;
}

export type Describe = (tag: number) => readonly [file: string, record: string];

export interface ImageImportOptions {
  readonly branch: string;
  readonly message: string;
  /** Names a record by its tag: [file, record] (`['a.xml', "<image> #3 (name '1.jpg')"]`). */
  readonly describe: Describe;
  readonly onProgress?: ProgressFn;
}

export interface ImageImportResult extends RecordImportResult {
  readonly images: number;
  readonly matched: number;
}

export async function importImages(
  repo: Repository,
  opts: ImageImportOptions,
  produce: (ctx: ImageImportContext) => Promise<{ readonly [k: string]: JsonValue }>,
): Promise<ImageImportResult> {
  let images = 0;
  let matched = 0;
  const result = await importRecords(
    repo,
    {
      branch: opts.branch,
      message: opts.message,
      duplicate: (kind, a, b, id) => duplicateError(opts.describe, kind, a, b, id),
      locate: (_kind, tag) => opts.describe(tag),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    },
    async (sink) => {
      const base = await branchHead(repo, opts.branch);
      const snap = base.snapshot;
      const categories = await CategoryIds.forBranch(repo, snap);
      const covered = new ExternalSorter(`${repo.scratchDir()}/import-covered`);
      let nextId = (await maxLabelId(repo, snap)) + 1;
      const storedAsset = async (image: string) => {
        const v = await getValue(repo.nodes, treeRoot(snap, 'assets'), encodeImageKey(image));
        return v ? decodeAssetRecord(v) : undefined;
      };
      try {
        const operations = await produce({
          snapshot: snap,
          categories,
          storedAsset,
          async put(img) {
            const tooLong = idTooLong(img.image);
            if (tooLong !== undefined)
              throw new FormatParseError(...opts.describe(img.tag), 'image', tooLong);
            images++;
            covered.add(latin1(encodeImageKey(img.image)), tagBytes(img.tag));
            // Stored labels the format cannot draw (a tag in YOLO) could not be in the file: kept.
            const stored: StoredLabel[] = [];
            for (const s of await storedLabels(repo, snap, img.image)) {
              if (img.precision.render(s.content) !== undefined) stored.push(s);
              else sink.label(img.image, s.label, s.content, s.review, img.tag);
            }
            const needMatch = img.labels.filter((l) => l.id === undefined).map((l) => l.content);
            const found = matchImageLabels(stored, needMatch, img.precision);
            let k = 0;
            for (const l of img.labels) {
              if (l.id !== undefined) {
                sink.label(img.image, l.id, l.content, l.review, img.tag);
                continue;
              }
              const s = found[k++];
              if (s) matched++;
              if (s)
                sink.label(
                  img.image,
                  s.label,
                  mergeMatched(s.content, l.content, img.precision),
                  s.review,
                  img.tag,
                );
              else sink.label(img.image, String(nextId++), l.content, l.review, img.tag);
            }
            const asset = assetToPut(await storedAsset(img.image), img.asset);
            if (asset) sink.asset(img.image, asset, img.tag);
            if (img.split !== undefined) sink.split(img.image, img.split, img.tag);
          },
        });
        await carryOver(repo, snap, covered, sink, opts.describe);
        return {
          ...(categories.changed ? { categories: categories.list() } : {}),
          operations: { ...operations, images, matched },
        };
      } finally {
        covered.cleanup();
      }
    },
  );
  return { ...result, images, matched };
}

/** The record to upsert: the stored one with a corrected size, or the source's for a new image. */
function assetToPut(
  stored: AssetRecord | undefined,
  source: LabelContent | undefined,
): LabelContent | undefined {
  if (!stored) return source;
  const [w, h] = [source?.['width'], source?.['height']];
  if (typeof w !== 'number' || typeof h !== 'number') return undefined;
  if (w === stored.width && h === stored.height) return undefined;
  const { extra, ...known } = stored;
  return { ...extra, ...(known as LabelContent), width: w, height: h };
}

async function storedLabels(
  repo: Repository,
  snap: Snapshot,
  image: string,
): Promise<StoredLabel[]> {
  const range = imageLabelRange(image);
  const reviews = new Map<string, LabelContent>();
  for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'reviews'), range))
    reviews.set(decodeLabelKey(key).label, decodeValue(value) as LabelContent);
  const out: StoredLabel[] = [];
  for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'labels'), range)) {
    const label = decodeLabelKey(key).label;
    out.push({ label, content: decodeValue(value) as LabelContent, review: reviews.get(label) });
  }
  return out;
}

/** The largest integer label id of the snapshot (0 when there is none). */
async function maxLabelId(repo: Repository, snap: Snapshot): Promise<number> {
  let max = 0;
  for await (const [key] of scan(repo.nodes, treeRoot(snap, 'labels'))) {
    const label = decodeLabelKey(key).label;
    if (/^[1-9][0-9]{0,14}$/.test(label)) max = Math.max(max, Number(label));
  }
  return max;
}

/** Puts the labels of every image the import did not cover, as they are. */
async function carryOver(
  repo: Repository,
  snap: Snapshot,
  covered: ExternalSorter,
  sink: RecordSink,
  describe: Describe,
): Promise<void> {
  const it = uniqueCovered(covered, describe)[Symbol.asyncIterator]();
  let head = await it.next();
  try {
    for await (const e of scanLabelsWithReviews(repo, snap)) {
      const { image, label } = decodeLabelKey(e.key);
      const key = latin1(encodeImageKey(image));
      // latin1 strings compare like the key bytes they hold.
      while (!head.done && head.value < key) head = await it.next();
      if (!head.done && head.value === key) continue;
      const review = e.review ? (decodeValue(e.review) as LabelContent) : undefined;
      sink.label(image, label, decodeValue(e.label) as LabelContent, review, 0);
    }
    while (!head.done) head = await it.next(); // every covered image is checked for repeats
  } finally {
    await it.return?.(undefined);
  }
}

/** Covered image keys in order; an image covered twice is an error naming both records. */
async function* uniqueCovered(covered: ExternalSorter, describe: Describe): AsyncGenerator<string> {
  let prev: { key: string; tag: number } | undefined;
  for await (const r of covered.sorted()) {
    const tag = readTag(r.payload);
    if (prev?.key === r.key) throw duplicateError(describe, 'asset', prev.tag, tag, imageOf(r.key));
    prev = { key: r.key, tag };
    yield r.key;
  }
}

function duplicateError(
  describe: Describe,
  kind: RecordKind,
  first: number,
  second: number,
  id: string,
): Error {
  const [file, record] = describe(second);
  const [firstFile, firstRecord] = describe(first);
  const what = kind === 'label' ? `label '${id}'` : `image '${id}'`;
  return new FormatParseError(
    file,
    record,
    kind === 'label' ? 'id' : 'image',
    `${what} is also given by ${firstFile === file ? '' : `${firstFile} `}${firstRecord}`,
  );
}

const latin1 = (key: Uint8Array) =>
  Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
const imageOf = (key: string) => decodeTuple(Buffer.from(key, 'latin1'))[0]!;

function tagBytes(tag: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(tag);
  return b;
}
const readTag = (p: Uint8Array) => Buffer.from(p.buffer, p.byteOffset, 8).readDoubleLE(0);
