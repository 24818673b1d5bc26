/**
 * The sink every format importer writes into (layer: api): a stream of asset, label and split
 * records becomes the branch's next snapshot in one commit.
 *
 * Semantics (docs/formats.md, "What an import replaces"):
 * - labels and reviews, by the import's mode (`import-label-trees.ts`): `per_image` (default):
 *   the images the import covers (every image it names with `cover`, and the image of every
 *   label it gives) get exactly its labels (a label without a review has none), every other
 *   image keeps its own; `replace_all`: the branch's labels and reviews become exactly the
 *   import's;
 * - assets: upserted: every image of the import is put (its record replaces the stored one,
 *   except that a stored record pointing at verified bytes keeps the fields measured from them,
 *   and an import that gives that image another size is refused: `keepVerifiedBytes`), other
 *   images of the branch are kept;
 * - splits: upserted the same way (images the import gives no split keep theirs);
 * - two records with one key (label (image, label), asset image, split image, covered image)
 *   are an error made by the format's `duplicate` (it knows its files and records).
 * Every label is checked (`label-write-check.ts`): its content as it is pushed (structure and the
 * branch's schema), its placement on its image once the import's assets are in (references,
 * geometry; `clip` clips); a failure is the format's `invalid` error naming the record.
 * Records are encoded as they come, sorted with external sorts (bounded memory) and the trees
 * are built bottom-up or mutated; the whole import runs under the writer lease and any error
 * (bad record, duplicate) leaves the branch where it was. The snapshot's `schema` is kept; its
 * category list becomes the import's when the producer returns one, else the branch's is kept.
 * An import that changes nothing makes no commit (`committed: false`).
 * With `labelings` (an import `--annotator`), the importer puts its labels there instead of into
 * the sink: they go to the `objects` and `annotations` trees (`labeling-trees.ts`) in the same
 * commit, and the labels and reviews trees are left as they are; they are checked by the same
 * write policy, against the import's assets (`labeling-placement.ts`).
 */
import { decodeValue, encodeValue, writeValue, type JsonValue } from '../../core/canonical.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { decodeAssetRecord, keepVerifiedBytes } from '../../dataset/asset-record.js';
import { ByteWriter } from '../../core/byte-writer.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import type { ChangeCounts } from '../../dataset/change-counts.js';
import {
  encodeImageKey,
  encodeLabelKey,
  idTooLong,
  IdTooLongError,
  type LabelKey,
} from '../../dataset/label-key.js';
import { FormatParseError } from '../../core/errors.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { decodeTuple } from '../../core/tuple.js';
import { ExternalSorter } from '../../io/external-sort.js';
import { putCategoryList, type Category } from '../../vcs/category-list.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { writeLabelings, type LabelingChanges, type LabelingCollector } from './labeling-trees.js';
import type { RemovedReport } from './change-report.js';
import { importLabelTrees, type ImportMode } from './import-label-trees.js';
import { placeLabelings } from './labeling-placement.js';
import { writeLabelPayload } from './label-file-records.js';
import {
  LabelWriteCheck,
  type GeometryReport,
  type LabelProblem,
  type WritePolicy,
} from '../write/label-write-check.js';
import type { ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';
import { changeCounts, READY_EVERY, uniqueSorted } from './sorted-label-build.js';
import { upsertSorted, type KeyedValue } from '../../tree/sorted-upsert.js';
import type { BranchHead } from '../write/branch-head.js';
import type { CommitResult } from '../write/commit-to-branch.js';
import { writeToBranch } from '../write/write-to-branch.js';

export type RecordKind = 'asset' | 'label' | 'split' | 'image';

/** What importers push; `tag` is any non-negative integer the importer can name a record by. */
export interface RecordSink {
  asset(image: string, record: LabelContent, tag: number): void;
  label(
    image: string,
    label: string,
    content: LabelContent,
    review: LabelContent | undefined,
    tag: number,
  ): void;
  split(image: string, split: string, tag: number): void;
  /** The import covers `image` (its labels become the import's, even none). */
  cover(image: string, tag: number): void;
}

/** What the producer learned while reading that goes into the commit. */
export interface ProducedImport {
  /** The dataset's category list after the import; absent: the branch's list is kept. */
  readonly categories?: readonly Category[];
  /** Format-specific members of the commit's operations (`format`, `file`, ...). */
  readonly operations: { readonly [k: string]: JsonValue };
}

/** `per_image` or `replace_all`; `upsert` is `import labels`'s alone. */
export type RecordImportMode = Exclude<ImportMode, 'upsert'>;

export interface RecordImportOptions {
  readonly branch: string;
  readonly message: string;
  readonly mode?: RecordImportMode;
  readonly policy?: WritePolicy;
  /** The error for a key given twice; tags in the order the records were pushed. */
  readonly duplicate: (kind: RecordKind, firstTag: number, secondTag: number, id: string) => Error;
  /** Names a record by its tag ([file, record]) in errors about it, such as an id too long. */
  readonly locate?: (kind: RecordKind, tag: number) => readonly [file: string, record: string];
  /** The error for a label that fails a write check; its tag as pushed. */
  readonly invalid: (tag: number, key: LabelKey, problem: LabelProblem) => Error;
  /** The error for an image record the branch's record refuses (a size unlike the verified one). */
  readonly invalidAsset?: (tag: number, image: string, problem: LabelProblem) => Error;
  readonly onProgress?: ProgressFn;
  /** Annotators' labelings the importer collects instead of pushing labels (`--annotator`). */
  readonly labelings?: LabelingCollector;
}

export interface RecordImportResult extends CommitResult {
  readonly mode: RecordImportMode;
  readonly records: { readonly labels: number; readonly assets: number; readonly splits: number };
  readonly labels: ChangeCounts;
  readonly reviews: ChangeCounts;
  readonly assets: ChangeCounts;
  readonly splits: ChangeCounts;
  readonly removed: RemovedReport;
  readonly geometry: GeometryReport;
  /** With `labelings`: the annotators and what changed in the objects and annotations trees. */
  readonly labelings?: { readonly annotators: readonly string[] } & LabelingChanges;
}

export async function importRecords(
  repo: Repository,
  opts: RecordImportOptions,
  produce: (sink: RecordSink, base: BranchHead) => Promise<ProducedImport>,
): Promise<RecordImportResult> {
  let scratch: SortingSink | undefined;
  try {
    return await writeToBranch(repo, opts.branch, async (base) => {
      const mode = opts.mode ?? 'per_image';
      const check = await LabelWriteCheck.open(repo, base.snapshot.schema, opts.policy);
      const sink = new SortingSink(
        repo.scratchDir(),
        (content, tag, key) => {
          const problem = check.content(content);
          if (problem) throw opts.invalid(tag, key, problem);
        },
        opts.locate,
      );
      scratch = sink;
      const produced = await produce(sink, base);
      const trees = base.snapshot.trees;
      const assets = await upsertSorted(
        repo.nodes,
        hexToHash(trees.assets),
        uniqueImages(sink.assets, (a, b, id) => opts.duplicate('asset', a, b, id)),
        sink.assets.count,
        { ...UPSERT, combine: (old, r) => keepVerified(old, r, opts) },
      );
      const splits = await upsertSorted(
        repo.nodes,
        hexToHash(trees.splits),
        uniqueImages(sink.splits, (a, b, id) => opts.duplicate('split', a, b, id)),
        sink.splits.count,
        UPSERT,
      );
      const written = await importLabelTrees(repo, {
        base: { labels: hexToHash(trees.labels), reviews: hexToHash(trees.reviews) },
        mode,
        records: uniqueSorted(sink.labels, (a, b, k) =>
          opts.duplicate('label', a, b, `${k.image}/${k.label}`),
        ),
        count: sink.labels.count,
        covered: imageKeys(
          uniqueImages(sink.covered, (a, b, id) => opts.duplicate('image', a, b, id)),
        ),
        coveredCount: sink.covered.count,
        assets,
        check,
        invalid: opts.invalid,
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      if (opts.labelings) await placeLabelings(repo, assets, opts.labelings, check);
      const labelings =
        opts.labelings &&
        (await writeLabelings(
          repo,
          {
            objects: treeRoot(base.snapshot, 'objects'),
            annotations: treeRoot(base.snapshot, 'annotations'),
          },
          opts.labelings,
        ));
      const annotated = labelings && {
        annotators: opts.labelings!.annotators,
        ...labelings.changes,
      };
      const counts = {
        labels: written.changes.labels,
        reviews: written.changes.reviews,
        assets: await changeCounts(repo, hexToHash(trees.assets), assets),
        splits: await changeCounts(repo, hexToHash(trees.splits), splits),
      };
      const records = {
        labels: sink.labels.count,
        assets: sink.assets.count,
        splits: sink.splits.count,
      };
      const snapshot: Snapshot = {
        ...base.snapshot,
        trees: {
          ...base.snapshot.trees,
          assets: hashToHex(assets),
          labels: hashToHex(written.labels),
          reviews: hashToHex(written.reviews),
          splits: hashToHex(splits),
          ...(labelings
            ? {
                objects: hashToHex(labelings.objects),
                annotations: hashToHex(labelings.annotations),
              }
            : {}),
        },
        ...(produced.categories
          ? { categories: putCategoryList(repo.chunks, produced.categories) }
          : {}),
      };
      const geometry = check.report();
      return {
        snapshot,
        message: opts.message,
        operations: {
          op: 'import',
          mode,
          ...produced.operations,
          records: { ...records },
          labels: { ...counts.labels },
          reviews: { ...counts.reviews },
          assets: { ...counts.assets },
          splits: { ...counts.splits },
          ...(geometry.clipped > 0 ? { clipped: geometry.clipped } : {}),
          ...(annotated
            ? {
                annotators: [...annotated.annotators],
                objects: { ...annotated.objects },
                annotations: { ...annotated.annotations },
              }
            : {}),
        },
        report: {
          mode,
          records,
          ...counts,
          removed: written.changes.removed,
          geometry,
          ...(annotated ? { labelings: annotated } : {}),
        },
      };
    });
  } finally {
    scratch?.cleanup();
  }
}

/** Assets and splits: up to 50,000 records a batched mutation, above a streamed merge build. */
const UPSERT = { mutateMax: 50_000, readyEvery: READY_EVERY };

/** Bytes per payload slab: payloads are carved out of shared slabs, not allocated one by one. */
const SLAB_BYTES = 1 << 20;

/** Checks a label's content as it is pushed (throws the importer's error). */
type PushCheck = (content: LabelContent, tag: number, key: LabelKey) => void;

class SortingSink implements RecordSink {
  readonly labels: ExternalSorter;
  readonly assets: ExternalSorter;
  readonly splits: ExternalSorter;
  readonly covered: ExternalSorter;
  private readonly scratch = new ByteWriter(1 << 16);
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  private slabUsed = 0;

  constructor(
    dir: string,
    private readonly check: PushCheck,
    private readonly locate?: RecordImportOptions['locate'],
  ) {
    this.labels = new ExternalSorter(`${dir}/import-labels`);
    this.assets = new ExternalSorter(`${dir}/import-assets`);
    this.splits = new ExternalSorter(`${dir}/import-splits`);
    this.covered = new ExternalSorter(`${dir}/import-covered`);
  }

  label(
    image: string,
    label: string,
    content: LabelContent,
    review: LabelContent | undefined,
    tag: number,
  ): void {
    this.checkId('label', tag, 'image', image);
    this.checkId('label', tag, 'label', label);
    this.check(content, tag, { image, label });
    this.scratch.reset();
    writeLabelPayload(this.scratch, tag, { record: content, review });
    this.labels.add(latin1(encodeLabelKey(image, label)), this.carve());
  }

  asset(image: string, record: LabelContent, tag: number): void {
    this.checkId('asset', tag, 'image', image);
    this.addImageRecord(this.assets, image, record, tag);
  }

  split(image: string, split: string, tag: number): void {
    this.checkId('split', tag, 'image', image);
    this.addImageRecord(this.splits, image, split, tag);
  }

  /** An id over the key bound (`label-key.ts`), named by its record when the importer can. */
  private checkId(kind: RecordKind, tag: number, field: 'image' | 'label', id: string): void {
    const why = idTooLong(id);
    if (why === undefined) return;
    const at = this.locate?.(kind, tag);
    throw at ? new FormatParseError(at[0], at[1], field, why) : new IdTooLongError(field, id);
  }

  cover(image: string, tag: number): void {
    this.checkId('image', tag, 'image', image);
    this.addImageRecord(this.covered, image, null, tag);
  }

  cleanup(): void {
    this.labels.cleanup();
    this.assets.cleanup();
    this.splits.cleanup();
    this.covered.cleanup();
  }

  private addImageRecord(sorter: ExternalSorter, image: string, value: JsonValue, tag: number) {
    this.scratch.reset();
    this.scratch.varint(tag);
    writeValue(this.scratch, value);
    sorter.add(latin1(encodeImageKey(image)), this.carve());
  }

  /** A copy of the scratch bytes in the current slab. */
  private carve(): Uint8Array {
    const bytes = this.scratch.view();
    if (bytes.length > SLAB_BYTES >> 4) return Buffer.from(bytes);
    if (this.slabUsed + bytes.length > SLAB_BYTES) {
      this.slab = Buffer.allocUnsafe(SLAB_BYTES);
      this.slabUsed = 0;
    }
    const out = this.slab.subarray(this.slabUsed, this.slabUsed + bytes.length);
    out.set(bytes);
    this.slabUsed += bytes.length;
    return out;
  }
}

const latin1 = (key: Uint8Array) =>
  Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');

/** Sorted (image)-keyed records without their tags, rejecting an image given twice. */
async function* uniqueImages(
  sorter: ExternalSorter,
  onDuplicate: (firstTag: number, secondTag: number, image: string) => Error,
): AsyncGenerator<KeyedValue> {
  let prevKey: string | undefined;
  let prevTag = 0;
  for await (const rec of sorter.sorted()) {
    const { tag, at } = readTag(rec.payload);
    if (rec.key === prevKey)
      throw onDuplicate(prevTag, tag, decodeTuple(Buffer.from(rec.key, 'latin1'))[0]!);
    prevKey = rec.key;
    prevTag = tag;
    yield { key: Buffer.from(rec.key, 'latin1'), value: rec.payload.subarray(at), tag };
  }
}

/** An image's record over the stored one: verified bytes keep their measured fields. */
function keepVerified(old: Uint8Array, r: KeyedValue, opts: RecordImportOptions): Uint8Array {
  const stored = decodeAssetRecord(old);
  if (stored.storage === undefined) return r.value;
  const kept = keepVerifiedBytes(stored, decodeValue(r.value) as LabelContent);
  if ('record' in kept) return encodeValue(kept.record);
  const image = decodeTuple(r.key)[0]!;
  throw (
    opts.invalidAsset?.(r.tag ?? 0, image, kept) ??
    new InvalidArgumentError(`image '${image}' ${kept.field}`, null, kept.why)
  );
}

async function* imageKeys(records: AsyncIterable<KeyedValue>): AsyncGenerator<Uint8Array> {
  for await (const r of records) yield r.key;
}

function readTag(p: Uint8Array): { tag: number; at: number } {
  let tag = 0;
  let at = 0;
  for (let mul = 1; ; mul *= 0x80) {
    const b = p[at++]!;
    tag += (b & 0x7f) * mul;
    if (b < 0x80) return { tag, at };
  }
}
