/**
 * `verso run finish RUN [--status ok|failed]` (layer: api): sets a running run's end time and
 * status, once.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { RunRecord, RunStatus } from '../../catalog/catalog.js';
import { timeOf } from '../repository/identity.js';
import type { Repository } from '../repository/repository.js';

export async function finishRun(
  repo: Repository,
  run: string,
  status: string = 'ok',
): Promise<RunRecord> {
  if (status !== 'ok' && status !== 'failed')
    throw new InvalidArgumentError('run status', status, 'expected ok or failed', {
      option: 'status',
    });
  return repo.catalog.lineage.finishRun(run, status as RunStatus, timeOf(repo));
}
