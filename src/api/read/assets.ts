/**
 * `verso asset list REF` and `verso asset show REF IMAGE`: the asset records of a snapshot
 * (layer: api); and the records of a few named images in one call (`findAssets`, for the web
 * UI's pages that draw some images of a ref).
 */
import { AssetNotFoundError } from './read-errors.js';
import { decodeAssetRecord, type AssetRecord } from '../../dataset/asset-record.js';
import { decodeRecordKey, encodeImageKey } from '../../dataset/label-key.js';
import { prefetchKeys } from '../../tree/prefetch-paths.js';
import { getValue, scanLeaves } from '../../tree/read.js';
import { treeRoot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';

export interface AssetEntry {
  readonly image: string;
  readonly record: AssetRecord;
}

/** The root of REF's `assets` tree. */
export async function assetsRoot(repo: Repository, refSpec: string): Promise<Uint8Array> {
  const { snap: snapshot } = await snapshotAtRef(repo, refSpec);
  return treeRoot(snapshot, 'assets');
}

/** Every asset of REF in image id order, leaf by leaf. */
export async function* listAssets(repo: Repository, refSpec: string): AsyncGenerator<AssetEntry[]> {
  for await (const run of scanLeaves(repo.nodes, await assetsRoot(repo, refSpec))) {
    const entries: AssetEntry[] = [];
    for (let i = run.from; i < run.to; i++)
      entries.push({
        image: decodeRecordKey(run.keys[i]!).image,
        record: decodeAssetRecord(run.values[i]!),
      });
    yield entries;
  }
}

export async function showAsset(
  repo: Repository,
  refSpec: string,
  image: string,
): Promise<AssetRecord> {
  const value = await getValue(repo.nodes, await assetsRoot(repo, refSpec), encodeImageKey(image));
  if (!value) throw new AssetNotFoundError(refSpec, image);
  return decodeAssetRecord(value);
}

/**
 * The asset records of `images` at REF, in image id order; images without a record are left
 * out (the caller sees which by their absence). One ref resolution and one prefetch of every
 * path (a round trip per tree level on a remote store), then a lookup per image.
 */
export async function findAssets(
  repo: Repository,
  refSpec: string,
  images: readonly string[],
): Promise<AssetEntry[]> {
  const root = await assetsRoot(repo, refSpec);
  const wanted = [...new Set(images)].sort();
  const keys = wanted.map(encodeImageKey);
  await prefetchKeys(repo.nodes, root, keys);
  const found: AssetEntry[] = [];
  for (const [i, image] of wanted.entries()) {
    const value = await getValue(repo.nodes, root, keys[i]!);
    if (value) found.push({ image, record: decodeAssetRecord(value) });
  }
  return found;
}
