/**
 * What to tell the user when a repository's storage is damaged (layer: api).
 *
 * `openRepository` refuses a repository whose catalog or chunk store file is missing, empty,
 * truncated or unreadable, before any command reads or writes (issue 10 items 6 and 16). A
 * damaged catalog beside a chunk store that holds chunks is damage, not an empty repository:
 * the commits are still in the chunk store and `verso recover` rebuilds branches from them. A
 * damaged chunk store cannot be rebuilt from the catalog: only a backup restores it.
 */
import { RepositoryDamagedError } from './repository-errors.js';
import type { CatalogDamagedError } from '../../catalog/sqlite/sqlite-catalog-file.js';
import { checkLmdbFile, type ChunkStoreDamagedError } from '../../store/lmdb/lmdb-file-check.js';

/** How many chunks the store in `chunksDir` holds; undefined if its file is unusable too. */
export function storedChunkCount(chunksDir: string): number | undefined {
  try {
    return checkLmdbFile(chunksDir).entries;
  } catch {
    return undefined;
  }
}

export function damagedCatalog(e: CatalogDamagedError, chunksDir: string): RepositoryDamagedError {
  const chunks = storedChunkCount(chunksDir);
  const data = { catalog: e.file, damage: e.damage, chunks: chunks ?? null };
  if (chunks === undefined || chunks === 0)
    return new RepositoryDamagedError(
      `${e.what}, and the chunk store holds no ${chunks === 0 ? 'chunks' : 'readable data'} either`,
      'restore-or-reinit',
      data,
    );
  return new RepositoryDamagedError(
    `${e.what}, but the chunk store holds ${chunks.toLocaleString('en-US')} chunks: ` +
      `the repository is damaged, not empty`,
    'recover',
    data,
  );
}

export function damagedChunkStore(e: ChunkStoreDamagedError): RepositoryDamagedError {
  return new RepositoryDamagedError(e.message, 'restore-chunks', {
    chunkStore: e.file,
    damage: e.damage,
  });
}
