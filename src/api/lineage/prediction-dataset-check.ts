/**
 * What a dataset version says about predictions (layer: api): whether an image exists (its
 * asset record, with its size for YOLO's relative boxes) and whether a class is known (the
 * snapshot's category list, when an import gave one; without a list every class is accepted).
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { hexToHash, type ChunkHash } from '../../core/hash.js';
import type { ImageSize } from '../../dataset/label-geometry.js';
import { encodeImageKey } from '../../dataset/label-key.js';
import { getValue } from '../../tree/read.js';
import { getCategoryList } from '../../vcs/category-list.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import type { SourcedPrediction } from './prediction-sources.js';

export interface DatasetCheck {
  readonly commit: ChunkHash;
  readonly snap: Snapshot;
  /** The image's asset record, or undefined when the dataset has no such image. */
  asset(image: string): Promise<{ readonly [k: string]: JsonValue } | undefined>;
  size(image: string): Promise<ImageSize | undefined>;
  /** Throws a `FormatParseError` naming file and line for an unknown image or class. */
  check(s: SourcedPrediction): Promise<void>;
}

export async function datasetCheck(repo: Repository, ref: string): Promise<DatasetCheck> {
  const { commit, snap } = await snapshotAtRef(repo, ref);
  const assets = hexToHash(snap.trees.assets);
  const classes =
    snap.categories === null
      ? null
      : new Set((await getCategoryList(repo.chunks, snap.categories)).map((c) => c.name));
  const cache = new Map<string, { readonly [k: string]: JsonValue } | undefined>();
  const asset = async (image: string) => {
    if (cache.has(image)) return cache.get(image);
    const bytes = await getValue(repo.nodes, assets, encodeImageKey(image));
    const rec = bytes && (decodeValue(bytes) as { readonly [k: string]: JsonValue });
    cache.set(image, rec);
    return rec;
  };
  return {
    commit,
    snap,
    asset,
    async size(image) {
      const rec = await asset(image);
      const [width, height] = [rec?.['width'], rec?.['height']];
      return typeof width === 'number' && typeof height === 'number'
        ? { width, height }
        : undefined;
    },
    async check({ file, p }) {
      if (!(await asset(p.image)))
        throw new FormatParseError(
          file,
          p.line,
          'image',
          `unknown image '${p.image}': not in the dataset at ${ref}`,
        );
      if (classes && !classes.has(p.category))
        throw new FormatParseError(
          file,
          p.line,
          'category',
          `unknown class '${p.category}': not in the category list of ${ref}`,
        );
    },
  };
}
