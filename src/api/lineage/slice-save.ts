/**
 * `verso slice save NAME --dataset REF [--where EXPR] [--schema V]` (layer: api): a saved,
 * content-hashed selection. The selection is built like a run's example set
 * (`example-set.ts`); its root hash is the slice id, so saving the same selection again (under
 * any name) returns the slice already stored.
 */
import type { SliceRecord } from '../../catalog/catalog.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { buildExampleSet } from './example-set.js';
import { timeOf } from '../repository/identity.js';
import { withLease } from '../repository/lease.js';
import type { Repository } from '../repository/repository.js';

export interface SliceSaveOptions {
  readonly name: string;
  readonly dataset: string;
  readonly where?: string | undefined;
  readonly schema?: string | undefined;
}

export async function saveSlice(repo: Repository, opts: SliceSaveOptions): Promise<SliceRecord> {
  const commit = await resolveRef(repo.catalog, repo.chunks, opts.dataset);
  const set = await withLease(repo, 'writer', () =>
    buildExampleSet(repo, commit, { where: opts.where, schema: opts.schema }),
  );
  const stored = await repo.catalog.lineage.getSlice(set.root);
  if (stored) return stored;
  const slice: SliceRecord = {
    id: set.root,
    name: opts.name,
    commit,
    filter: opts.where ?? null,
    schema: opts.schema ?? null,
    exampleCount: set.count,
    createdAt: timeOf(repo),
    selection: null,
  };
  await repo.catalog.lineage.insertSlice(slice);
  return slice;
}
