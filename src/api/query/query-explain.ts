/**
 * `--explain` for `count`, `cat` and `export` (layer: api): how a filter would be answered on a
 * snapshot (scan or index, the candidates priced, why), without running it.
 */
import type { ChunkHash } from '../../core/hash.js';
import { compileLabelFilter } from './query-filter.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';

export interface QueryExplanation {
  readonly commit: ChunkHash;
  readonly where: string;
  readonly schema?: string;
  readonly access: 'scan' | 'index';
  readonly labels: number;
  readonly candidates: number;
  readonly exact_count?: number;
  readonly steps: readonly string[];
}

export async function explainQuery(
  repo: Repository,
  ref: string,
  where: string,
  schema?: string,
): Promise<QueryExplanation> {
  const { commit, snap } = await snapshotAtRef(repo, ref);
  const mapContent =
    schema === undefined
      ? undefined
      : ((await (
          await import('../schema/schema-projection.js')
        ).contentBytesMapper(repo, snap.schema, schema)) ?? undefined);
  const plan = await (await compileLabelFilter(repo, snap, where)).plan(mapContent);
  return {
    commit,
    where,
    ...(schema !== undefined ? { schema } : {}),
    access: plan.access,
    labels: plan.total,
    candidates: plan.candidates,
    ...(plan.exactCount !== undefined ? { exact_count: plan.exactCount } : {}),
    steps: plan.steps,
  };
}
