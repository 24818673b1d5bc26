/**
 * The per-image import that YOLO, Pascal VOC, CVAT and Label Studio share (layer: api): images
 * come one by one with their labels; each is matched against the branch and pushed into the
 * record sink (`record-import.ts`), one commit.
 *
 * Rules (docs/formats.md, "Re-import matching"):
 * - an image the import covers (a label file, an XML, a CVAT `<image>`, a Label Studio task,
 *   even with no labels) gets exactly the import's labels (the sink's `cover`). Incoming labels without an id are
 *   matched against the branch's labels of that image (`reimport-match.ts`); labels with an id
 *   (Label Studio) are put as given. Stored labels left unmatched are deleted, except those the
 *   format cannot draw at all (a class tag or a keypoints-only label in YOLO): the file could not
 *   have held them, so they are kept;
 * - images the import does not cover keep their labels and reviews as they are (the sink's
 *   per-image replacement; with `--replace-all` they lose them);
 * - new labels get ids counting up from the largest integer label id in the branch (1 on an
 *   empty branch), so ids stay unique across the dataset (a COCO export keeps them);
 * - assets: an image the branch has keeps its record, with `width`/`height` updated if the import
 *   says otherwise; a new image gets the import's record;
 * - splits: the import's, when the format gives one.
 * Each label gets its own sink tag, mapped back to its file and record (`where`) when a check
 * fails; an image covered twice is an error naming both records.
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { decodeAssetRecord, type AssetRecord } from '../../dataset/asset-record.js';
import {
  decodeLabelKey,
  encodeImageKey,
  idTooLong,
  imageLabelRange,
} from '../../dataset/label-key.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { getValue, scan } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { LabelProblem, WritePolicy } from '../write/label-write-check.js';
import type { ProgressFn } from '../repository/progress.js';
import {
  importRecords,
  type RecordImportMode,
  type RecordImportResult,
  type RecordKind,
} from '../ingest/record-import.js';
import { CategoryIds } from './reimport-match-categories.js';
import { LabelingCollector } from '../ingest/labeling-trees.js';
import { putLabeling, type LabelingOwner } from './labeling-put.js';
import {
  matchImageLabels,
  mergeMatched,
  type FormatPrecision,
  type StoredLabel,
} from '../../dataset/label-match.js';
import type { Repository } from '../repository/repository.js';
import { problemData } from '../../schema/label-validator.js';

export interface IncomingLabel {
  /** The source's label id, for formats that have one (then no matching). */
  readonly id?: string;
  /** Where the label is in its file, for errors: a line number or a record (`object[2]`). */
  readonly where?: string | number;
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
  readonly mode?: RecordImportMode;
  readonly policy?: WritePolicy;
  readonly onProgress?: ProgressFn;
  /** `import cvat --task ID`: one task of a project export. */
  readonly task?: string;
  /** The file is annotators' labelings, not labels (`labeling-put.ts`). */
  readonly labelingOwner?: LabelingOwner;
}

export type Describe = (tag: number) => readonly [file: string, record: string];

export interface ImageImportOptions {
  readonly branch: string;
  readonly message: string;
  /** Names a record by its tag: [file, record] (`['a.xml', "<image> #3 (name '1.jpg')"]`). */
  readonly describe: Describe;
  readonly mode?: RecordImportMode;
  readonly policy?: WritePolicy;
  readonly onProgress?: ProgressFn;
  readonly labelingOwner?: LabelingOwner;
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
  const labels = new LabelTags();
  const owner = opts.labelingOwner;
  const labelings = owner && new LabelingCollector();
  const result = await importRecords(
    repo,
    {
      branch: opts.branch,
      message: opts.message,
      ...(opts.mode ? { mode: opts.mode } : {}),
      ...(opts.policy ? { policy: opts.policy } : {}),
      duplicate: (kind, a, b, id) =>
        kind === 'label'
          ? duplicateError(opts.describe, kind, labels.imageTag(a), labels.imageTag(b), id)
          : duplicateError(opts.describe, kind, a, b, id),
      invalid: (tag, key, p) => labels.error(opts.describe, tag, key.label, p),
      invalidAsset: (tag, image, p) => {
        const [file, record] = opts.describe(tag);
        return new FormatParseError(
          file,
          record,
          p.field,
          `image '${image}': ${p.why}`,
          problemData(p),
        );
      },
      locate: (kind, tag) => opts.describe(kind === 'label' ? labels.imageTag(tag) : tag),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(labelings ? { labelings } : {}),
    },
    async (sink, base) => {
      const snap = base.snapshot;
      const categories = await CategoryIds.forBranch(repo, snap);
      let nextId = (await maxLabelId(repo, snap)) + 1;
      const storedAsset = async (image: string) => {
        const v = await getValue(repo.nodes, treeRoot(snap, 'assets'), encodeImageKey(image));
        return v ? decodeAssetRecord(v) : undefined;
      };
      const operations = await produce({
        snapshot: snap,
        categories,
        storedAsset,
        async put(img) {
          const tooLong = idTooLong(img.image);
          if (tooLong !== undefined)
            throw new FormatParseError(...opts.describe(img.tag), 'image', tooLong);
          images++;
          if (labelings && owner) putLabeling(labelings, img, owner, opts.describe);
          else await putLabels(img);
          const asset = assetToPut(await storedAsset(img.image), img.asset);
          if (asset) sink.asset(img.image, asset, img.tag);
          if (img.split !== undefined) sink.split(img.image, img.split, img.tag);
        },
      });
      return {
        ...(categories.changed ? { categories: categories.list() } : {}),
        operations: { ...operations, images, matched },
      };

      async function putLabels(img: IncomingImage): Promise<void> {
        sink.cover(img.image, img.tag);
        // Stored labels the format cannot draw (a tag in YOLO) could not be in the file: kept.
        const stored: StoredLabel[] = [];
        for (const s of await storedLabels(repo, snap, img.image)) {
          if (img.precision.render(s.content) !== undefined) stored.push(s);
          else {
            const tag = labels.add(img.tag, `label '${s.label}' (kept from the branch)`);
            sink.label(img.image, s.label, s.content, s.review, tag);
          }
        }
        const needMatch = img.labels.filter((l) => l.id === undefined).map((l) => l.content);
        const found = matchImageLabels(stored, needMatch, img.precision);
        let k = 0;
        for (const l of img.labels) {
          const tag = labels.add(img.tag, l.where);
          if (l.id !== undefined) {
            sink.label(img.image, l.id, l.content, l.review, tag);
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
              tag,
            );
          else sink.label(img.image, String(nextId++), l.content, l.review, tag);
        }
      }
    },
  );
  return { ...result, images, matched };
}

/**
 * The sink tag of each label: a running number, mapped back to its image's tag and to where the
 * importer found it, so a failed check names the label's own line or record.
 */
class LabelTags {
  private readonly imageTags: number[] = [];
  private readonly wheres: (string | number | undefined)[] = [];

  add(imageTag: number, where: string | number | undefined): number {
    this.imageTags.push(imageTag);
    this.wheres.push(where);
    return this.imageTags.length - 1;
  }

  imageTag(tag: number): number {
    return this.imageTags[tag] ?? tag;
  }

  error(describe: Describe, tag: number, label: string, p: LabelProblem): Error {
    const [file, record] = describe(this.imageTag(tag));
    const where = this.wheres[tag];
    if (where !== undefined)
      return new FormatParseError(file, where, p.field, p.why, problemData(p));
    return new FormatParseError(
      file,
      record,
      p.field,
      `label '${label}': ${p.why}`,
      problemData(p),
    );
  }
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
