/**
 * What a clone records about where its image bytes come from (layer: api, repository
 * infrastructure): catalog config keys written by `clone` (`sync/clone.ts`) and read when a
 * clone is opened, so that a caller can give a clone made with `--blobs on-demand` a blob
 * store that fetches missing bytes from its remote (`sync/on-demand-blobs.ts`). Kept here, not
 * in `sync/`, so opening a repository reads one config value without loading the sync feature.
 */
import type { Repository } from './repository.js';

/** How a clone gets image bytes: `all`, `on-demand`, `none`. */
export const BLOBS_CONFIG = 'clone_blobs';
/** The remote a clone was made from (clones older than this key: `origin`). */
export const BLOBS_REMOTE_CONFIG = 'clone_remote';

/** The remote whose server serves this clone's missing image bytes, if it was cloned on-demand. */
export async function onDemandBlobRemote(repo: Repository): Promise<string | undefined> {
  if ((await repo.catalog.getConfig(BLOBS_CONFIG)) !== 'on-demand') return undefined;
  return (await repo.catalog.getConfig(BLOBS_REMOTE_CONFIG)) ?? 'origin';
}
