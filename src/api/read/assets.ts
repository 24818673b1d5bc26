/**
 * `verso asset list REF` and `verso asset show REF IMAGE`: the asset records of a snapshot
 * (layer: api).
 */
import { AssetNotFoundError } from './read-errors.js';
import { decodeAssetRecord, type AssetRecord } from '../../dataset/asset-record.js';
import { decodeRecordKey, encodeImageKey } from '../../dataset/label-key.js';
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
