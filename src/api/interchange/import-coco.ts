/**
 * `verso import coco FILE.json [--branch B] [--split NAME] [-m MSG]`: a COCO instances file into
 * a branch, one commit (layer: api).
 *
 * The file is streamed (`formats/coco/read-coco.ts`) into the record sink (`record-import.ts`):
 * every image of the file is covered (its labels and reviews become the file's annotations, even
 * none; other images keep theirs; `--replace-all`: the branch's labels become the file's), its
 * images are upserted as assets (and, with `--split`, put in that split); the file's category
 * list becomes the snapshot's (`categories.ts`). Labels are checked like every write's
 * (`label-write-check.ts`; `--clip`). With `--images DIR` every image's file is checked, hashed and stored as a
 * blob before the commit (`coco-image-files.ts`); without, a `sha256` the file gives is kept as
 * `source_sha256` (not a verified hash). Any bad record or file aborts before anything moves.
 * With `labelingOwner` (`--annotator NAME`, `--annotators`) the annotations are annotators'
 * labelings (`labeling-put.ts`): each image is covered for its annotator, the labels untouched.
 */
import { basename } from 'node:path';
import type { JsonValue } from '../../core/canonical.js';
import { FormatParseError, InvalidArgumentError } from '../../core/errors.js';
import { readCoco } from '../../formats/coco/read-coco.js';
import { checkInputPath } from '../../formats/file-kind.js';
import {
  checkImagesFolder,
  storeCocoImageFiles,
  unverifiedAsset,
  type CocoImageEntry,
} from './coco-image-files.js';
import type { ProgressFn } from '../repository/progress.js';
import type { WritePolicy } from '../write/label-write-check.js';
import {
  importRecords,
  type RecordImportMode,
  type RecordImportResult,
  type RecordKind,
} from '../ingest/record-import.js';
import type { Repository } from '../repository/repository.js';
import { LabelingCollector } from '../ingest/labeling-trees.js';
import { addLabelingLabel, coverLabeling, type LabelingOwner } from './labeling-put.js';
import { problemData } from '../../schema/label-validator.js';

export interface ImportCocoOptions {
  readonly file: string;
  readonly branch: string;
  readonly message?: string;
  /** Put every image of the file in this split. */
  readonly split?: string;
  /** Folder of the image files named by `file_name`: stored as blobs with the import. */
  readonly images?: string;
  readonly mode?: RecordImportMode;
  readonly policy?: WritePolicy;
  readonly onProgress?: ProgressFn;
  /** The file is annotators' labelings, not labels (`labeling-put.ts`): the labels tree is untouched. */
  readonly labelingOwner?: LabelingOwner;
}

export interface ImportCocoResult extends RecordImportResult {
  readonly images: number;
  readonly annotations: number;
  readonly categories: number;
  /** With `images`: blobs written, already stored, and new bytes. */
  readonly blobs?: { readonly new: number; readonly deduplicated: number; readonly bytes: number };
}

export async function importCoco(
  repo: Repository,
  opts: ImportCocoOptions,
): Promise<ImportCocoResult> {
  checkInputPath(opts.file, 'coco');
  if (opts.split !== undefined && opts.split.trim() === '')
    throw new InvalidArgumentError('split', opts.split, 'a split name is a non-empty string');
  if (opts.images !== undefined) checkImagesFolder(opts.images);
  const file = basename(opts.file);
  let sourceIds: readonly JsonValue[] = [];
  let counts = { images: 0, annotations: 0, categories: 0 };
  let blobs = undefined as ImportCocoResult['blobs'];
  const owner = opts.labelingOwner;
  const labelings = owner && new LabelingCollector();
  const result = await importRecords(
    repo,
    {
      branch: opts.branch,
      message: opts.message ?? `Import ${file}`,
      ...(opts.mode ? { mode: opts.mode } : {}),
      ...(opts.policy ? { policy: opts.policy } : {}),
      duplicate: (kind, a, b, id) => duplicateError(opts.file, kind, a, b, id, sourceIds),
      locate: (kind, tag) => [opts.file, `${kind === 'label' ? 'annotations' : 'images'}[${tag}]`],
      invalid: (tag, key, p) =>
        new FormatParseError(
          opts.file,
          `annotations[${tag}] (id ${key.label})`,
          p.field,
          p.why,
          problemData(p),
        ),
      invalidAsset: (tag, _image, p) =>
        new FormatParseError(
          opts.file,
          `images[${tag}] (id ${JSON.stringify(sourceIds[tag] ?? null)})`,
          p.field,
          p.why,
        ),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(labelings ? { labelings } : {}),
    },
    async (sink) => {
      const withFiles: CocoImageEntry[] | undefined = opts.images !== undefined ? [] : undefined;
      const r = readCoco(opts.file, {
        image(image, asset, index) {
          // A labeling covers the image for its annotator only: the labels stay as they are.
          if (labelings && owner) coverLabeling(labelings, image, owner);
          else sink.cover(image, index);
          if (withFiles) withFiles.push({ image, asset, index });
          else sink.asset(image, unverifiedAsset(asset), index);
          if (opts.split !== undefined) sink.split(image, opts.split, index);
        },
        annotation: (image, label, content, review, index) =>
          labelings && owner
            ? addLabelingLabel(labelings, owner, image, label, content, [
                opts.file,
                `annotations[${index}] (id ${label})`,
              ])
            : sink.label(image, label, content, review, index),
      });
      sourceIds = r.imageSourceIds;
      if (withFiles) {
        const f = await storeCocoImageFiles(
          repo,
          opts.file,
          opts.images!,
          withFiles,
          opts.onProgress,
        );
        withFiles.forEach((e, i) => sink.asset(e.image, f.assets[i]!, e.index));
        blobs = { new: f.blobsNew, deduplicated: f.blobsDeduplicated, bytes: f.bytesNew };
      }
      counts = { images: r.images, annotations: r.annotations, categories: r.categories.length };
      return {
        categories: r.categories,
        operations: {
          format: 'coco',
          file,
          ...counts,
          ...(opts.split !== undefined ? { split: opts.split } : {}),
          ...(blobs ? { blobs: { ...blobs } } : {}),
        },
      };
    },
  );
  return { ...result, ...counts, ...(blobs ? { blobs } : {}) };
}

function duplicateError(
  file: string,
  kind: RecordKind,
  first: number,
  second: number,
  id: string,
  sourceIds: readonly JsonValue[],
): Error {
  if (kind === 'label') {
    const [image, label] = [id.slice(0, id.lastIndexOf('/')), id.slice(id.lastIndexOf('/') + 1)];
    return new FormatParseError(
      file,
      `annotations[${second}] (id ${label})`,
      'id',
      `annotation id ${label} on image '${image}' also at annotations[${first}]`,
    );
  }
  const name = (i: number) => `images[${i}] (id ${JSON.stringify(sourceIds[i])})`;
  return new FormatParseError(
    file,
    name(second),
    'file_name',
    `maps to image id '${id}', as does ${name(first)}: two images may not share a base name`,
  );
}
