/**
 * Secondary-index maintenance at commit time (layer: api). Placeholder: built in the index work.
 */
import type { NewCommitFacts, RecordDerived } from './derived-data.js';
import type { Repository } from './repository.js';

export async function stageTreeIndexes(
  _repo: Repository,
  _facts: NewCommitFacts,
): Promise<RecordDerived> {
  return async () => {};
}
