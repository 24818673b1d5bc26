/**
 * Blame maintenance at commit time (layer: api). Placeholder: built in the blame work.
 */
import type { NewCommitFacts, RecordDerived } from './derived-data.js';
import type { Repository } from './repository.js';

export async function stageBlame(_repo: Repository, _facts: NewCommitFacts): Promise<RecordDerived> {
  return async () => {};
}
