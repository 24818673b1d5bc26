/**
 * Derived data maintained at commit time (layer: api): the secondary indexes of the new
 * snapshot's trees (`tree-index-maintain.ts`) and the new commit's blame tree
 * (`blame-maintain.ts`), each built incrementally from the first parent's plus the diff.
 *
 * `stageDerivedData` runs before the chunk store is flushed (its chunks become durable with the
 * commit's); the returned `record` writes the catalog rows after the flush and before the
 * branch moves, so a row never names a chunk that is not durable. Derived data is never needed
 * to read a version: a crash between the two steps only leaves it to be rebuilt.
 */
import { stageBlame } from '../blame/blame-maintain.js';
import { commitChangesOf, type NewCommitFacts, type RecordDerived } from './commit-facts.js';
import type { Repository } from '../repository/repository.js';
import { stageTreeIndexes } from '../query/tree-index-maintain.js';

export async function stageDerivedData(
  repo: Repository,
  facts: NewCommitFacts,
): Promise<RecordDerived> {
  const shared = { ...facts, changes: await commitChangesOf(repo, facts) };
  const indexes = await stageTreeIndexes(repo, shared);
  const blame = await stageBlame(repo, shared);
  return async () => {
    await indexes();
    await blame();
  };
}
