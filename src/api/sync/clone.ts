/**
 * `verso clone`: a new repository holding a peer's branches, tags and schema registry
 * (layer: api). The folder must not hold a repository; the new one has no commit of its own
 * (no `init` commit): its branches are the peer's, at the same commits, so a clone's snapshot
 * ids equal the origin's. The remote is recorded as `origin` (or the name given) with its
 * tracking branches, and how image bytes are to be got (`--blobs`) under `clone_blobs` (with the
 * remote's name under `clone_remote`, `repository/clone-config.ts`): `all` fetches the bytes of
 * every blob asset of the cloned branches now (`clone-blobs.ts`); `on-demand` (the default)
 * fetches nothing now, and an image's bytes from the remote the first time they are read
 * (`on-demand-blobs.ts`); `none` never fetches them.
 *
 * A clone that fails removes what it made (the folder, or its `.verso/` when the folder was
 * there before), so it can be retried as it was typed. A clone killed before its refs are
 * written leaves a repository without refs; `verso fetch origin` in it completes the transfer.
 */
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { VersoError } from '../../core/errors.js';
import { prepareOutputPath } from '../../io/output-file.js';
import { openBackends } from '../repository/compose.js';
import { refLogNote } from '../repository/ref-log.js';
import { holdsRepository, versoDir, type RepositoryOptions } from '../repository/repository.js';
import { fetchBlobs, type BlobsFetched } from './clone-blobs.js';
import { fetchFrom, type FetchResult } from './fetch.js';
import { BLOBS_CONFIG, BLOBS_REMOTE_CONFIG } from '../repository/clone-config.js';
import { addRemote, parseRemoteName, parseRemoteUrl } from './remotes.js';
import type { SyncPeer } from './sync-remote.js';
import type { ProgressFn } from '../repository/progress.js';

export type BlobsMode = 'all' | 'on-demand' | 'none';

export interface CloneOptions extends RepositoryOptions {
  readonly url: string;
  readonly remote?: string;
  readonly blobs?: BlobsMode;
  /** Hears of every batch of chunks fetched. */
  readonly onProgress?: ProgressFn;
}

export interface CloneResult extends FetchResult {
  readonly root: string;
  readonly url: string;
  readonly blobs: BlobsMode;
  /** Local branches created, one per branch of the peer. */
  readonly localBranches: readonly string[];
  /** Image bytes fetched (`--blobs all`). */
  readonly images: BlobsFetched;
}

export async function cloneRepository(
  dir: string,
  peer: SyncPeer,
  opts: CloneOptions,
): Promise<CloneResult> {
  const root = resolve(dir);
  const remote = parseRemoteName(opts.remote ?? 'origin');
  const url = parseRemoteUrl(opts.url);
  const blobs = opts.blobs ?? 'on-demand';
  if (holdsRepository(versoDir(root)))
    throw new VersoError(
      'AlreadyExists',
      'REPOSITORY_EXISTS',
      `a Verso repository already exists at ${root}`,
      { root },
    );
  const folderExisted = existsSync(root);
  prepareOutputPath(dir, 'folder');
  const repo = await openBackends(root, opts);
  let done = false;
  try {
    await repo.catalog.setConfig('format', '1');
    await addRemote(repo, remote, url);
    await repo.catalog.setConfig(BLOBS_CONFIG, blobs);
    await repo.catalog.setConfig(BLOBS_REMOTE_CONFIG, remote);
    const fetched = await fetchFrom(repo, peer, {
      remote,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    const localBranches: string[] = [];
    for (const b of fetched.branches) {
      if (await repo.catalog.getRef(b.name)) continue;
      await repo.catalog.updateRef(
        b.name,
        'branch',
        null,
        b.target,
        refLogNote(repo, 'clone', url),
      );
      localBranches.push(b.name);
    }
    const images =
      blobs === 'all' ? await fetchBlobs(repo, peer, localBranches) : { blobs: 0, bytes: 0 };
    done = true;
    return { ...fetched, root, url, blobs, localBranches, images };
  } finally {
    await repo.close();
    // A failed clone (the remote refused, could not be reached) leaves nothing behind.
    if (!done) rmSync(folderExisted ? versoDir(root) : root, { recursive: true, force: true });
  }
}
