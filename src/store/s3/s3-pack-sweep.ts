/**
 * Deleting what an S3 pack store no longer serves (layer: store): a retired pack (and its index
 * and tombstone) once its tombstone is older than the grace period, and a pack left without an
 * index (a flush cut short) once it is that old. Ages come from the objects' LastModified; a
 * reader that loaded a retired pack's index within the grace period can still read it. Data is
 * deleted first, tombstones last: a sweep cut short leaves the remnant still marked retired.
 */
import { keyUnder, type S3Location } from './s3-location.js';
import type { ListedObject, S3Objects } from './s3-objects.js';
import { PACKS, packObjectKey, readListing } from './pack-names.js';

/** Deletes the retired and index-less packs older than `graceMs`; returns how many. */
export async function sweepRetiredPacks(
  objects: S3Objects,
  location: S3Location,
  graceMs: number,
): Promise<number> {
  const listing = readListing(await objects.list(keyUnder(location, PACKS)));
  const now = Date.now();
  let swept = 0;
  const old = (o: ListedObject | undefined) =>
    o !== undefined && now - o.lastModified.getTime() >= graceMs;
  const doomed: string[] = [];
  const tombstones: string[] = [];
  for (const [id, e] of listing.packs) {
    if (old(e.tombstone)) {
      doomed.push(packObjectKey(location, id, 'idx'), packObjectKey(location, id, 'pack'));
      tombstones.push(e.tombstone!.key);
      swept++;
    } else if (!e.idx && e.tombstone === undefined && old(e.pack)) {
      doomed.push(packObjectKey(location, id, 'pack'));
      swept++;
    }
  }
  await objects.delete(doomed);
  await objects.delete(tombstones);
  return swept;
}
