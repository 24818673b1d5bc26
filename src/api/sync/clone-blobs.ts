/**
 * Image bytes for a clone made with `--blobs all` (layer: api): every asset stored as a blob in
 * the given branches whose bytes this repository lacks is fetched from the peer
 * (`SyncPeer.fetchBlob`, e.g. `GET /repos/R/blobs/SHA256`) a few at a time and stored under its
 * hash; the blob store refuses bytes that do not hash to it (`BLOB_HASH_MISMATCH`). Assets kept
 * by reference, or metadata only, have no bytes to fetch.
 */
import { mapConcurrent } from '../../core/map-concurrent.js';
import { parseChunkHash } from '../../core/hash.js';
import { listAssets } from '../read/assets.js';
import type { Repository } from '../repository/repository.js';
import { SyncChunksMissingError } from './sync-errors.js';
import type { SyncPeer } from './sync-remote.js';

const BLOBS_IN_FLIGHT = 4;

export interface BlobsFetched {
  readonly blobs: number;
  readonly bytes: number;
}

export async function fetchBlobs(
  repo: Repository,
  peer: SyncPeer,
  branches: readonly string[],
): Promise<BlobsFetched> {
  const fetchBlob = peer.fetchBlob?.bind(peer);
  if (!fetchBlob) return { blobs: 0, bytes: 0 };
  const wanted = new Set<string>();
  for (const branch of branches)
    for await (const entries of listAssets(repo, branch))
      for (const { record } of entries)
        if (record.storage === 'blob' && record.sha256 !== undefined) wanted.add(record.sha256);
  const lacking: string[] = [];
  for (const sha of wanted) if (!(await repo.blobs.has(parseChunkHash(sha)))) lacking.push(sha);
  const sizes = await mapConcurrent(lacking, BLOBS_IN_FLIGHT, async (sha) => {
    const hash = parseChunkHash(sha);
    const bytes = await fetchBlob(hash);
    if (!bytes) throw new SyncChunksMissingError([sha], 'image');
    await repo.blobs.put(bytes, hash);
    return bytes.length;
  });
  return { blobs: lacking.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}
