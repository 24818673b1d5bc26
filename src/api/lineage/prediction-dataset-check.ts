/**
 * What a dataset version says about predictions (layer: api): whether an image exists (it has
 * an asset record or at least one label: a labels-only dataset has images too), its size for
 * YOLO's relative boxes, and whether a class is known (the snapshot's category list, when an
 * import gave one; without a list every class is accepted).
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { FormatParseError } from '../../core/errors.js';
import { hexToHash, type ChunkHash } from '../../core/hash.js';
import type { ImageSize } from '../../dataset/label-geometry.js';
import { encodeImageKey, imageLabelRange } from '../../dataset/label-key.js';
import { countRange, getValue } from '../../tree/read.js';
import { getCategoryList } from '../../vcs/category-list.js';
import type { Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import type { SourcedPrediction } from './prediction-sources.js';

export interface DatasetCheck {
  readonly commit: ChunkHash;
  readonly snap: Snapshot;
  /** The image's encoded asset record, or undefined when it has none. */
  assetBytes(image: string): Promise<Uint8Array | undefined>;
  /** Whether the dataset has the image (an asset record or a label). */
  known(image: string): Promise<boolean>;
  size(image: string): Promise<ImageSize | undefined>;
  /**
   * Throws a `FormatParseError` naming file and line for an unknown image or class. Checks
   * synchronously (returns undefined) when the image is the one checked last, as the other
   * predictions of an image usually are; else returns the promise of the check.
   */
  check(s: SourcedPrediction): Promise<void> | undefined;
}

export async function datasetCheck(repo: Repository, ref: string): Promise<DatasetCheck> {
  const { commit, snap } = await snapshotAtRef(repo, ref);
  const assets = hexToHash(snap.trees.assets);
  const classes =
    snap.categories === null
      ? null
      : new Set((await getCategoryList(repo.chunks, snap.categories)).map((c) => c.name));
  const labels = hexToHash(snap.trees.labels);
  let last: { image: string; bytes: Uint8Array | undefined; known: boolean } | undefined;
  const lookup = async (image: string) => {
    if (last?.image === image) return last;
    const bytes = await getValue(repo.nodes, assets, encodeImageKey(image));
    const known = bytes !== undefined || (await hasLabels(repo, labels, image));
    return (last = { image, bytes, known });
  };
  const verdict = ({ file, p }: SourcedPrediction, known: boolean): undefined => {
    if (!known)
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
    return undefined;
  };
  return {
    commit,
    snap,
    assetBytes: async (image) => (await lookup(image)).bytes,
    known: async (image) => (await lookup(image)).known,
    async size(image) {
      const bytes = (await lookup(image)).bytes;
      const rec = bytes && (decodeValue(bytes) as { readonly [k: string]: JsonValue });
      const [width, height] = [rec?.['width'], rec?.['height']];
      return typeof width === 'number' && typeof height === 'number'
        ? { width, height }
        : undefined;
    },
    check(s) {
      if (last?.image === s.p.image) return verdict(s, last.known);
      return lookup(s.p.image).then((l) => verdict(s, l.known));
    },
  };
}

/**
 * Counted from the subtree counts through cached nodes: a scan would read (and decode) the
 * image's leaf past the node cache once per image, the most expensive step of a check.
 */
async function hasLabels(repo: Repository, labels: Uint8Array, image: string): Promise<boolean> {
  return (await countRange(repo.nodes, labels, imageLabelRange(image))) > 0;
}
