/**
 * Derived data maintained at commit time (layer: api): each maintainer the repository was
 * composed with (`repo.maintainers`: the secondary indexes of the new snapshot's trees, then
 * the new commit's blame tree; registered by `repository/compose.ts`) builds its data
 * incrementally from the first parent's plus the diff, which is computed once and shared.
 *
 * `stageDerivedData` runs before the chunk store is flushed (its chunks become durable with the
 * commit's); the returned `record` writes the catalog rows after the flush and before the
 * branch moves, so a row never names a chunk that is not durable. Derived data is never needed
 * to read a version: a crash between the two steps only leaves it to be rebuilt.
 */
import { commitChangesOf, type NewCommitFacts, type RecordDerived } from './commit-facts.js';
import type { Repository } from '../repository/repository.js';

export async function stageDerivedData(
  repo: Repository,
  facts: NewCommitFacts,
): Promise<RecordDerived> {
  const shared = { ...facts, changes: await commitChangesOf(repo, facts) };
  const records: RecordDerived[] = [];
  for (const maintainer of repo.maintainers) records.push(await maintainer.stage(repo, shared));
  return async () => {
    for (const record of records) await record();
  };
}
