/**
 * `verso run start --dataset REF [--where EXPR] [--schema V] [--param k=v ...]` (layer: api):
 * records a training run. The ref is resolved once to its exact commit; the example set
 * (`example-set.ts`) is built and its root hash stored with the run, so what the run trained
 * on never changes when the ref moves later. With `export`, the same selection is written in
 * one step via `exportSnapshot` on the exact commit, before the run is recorded (the output
 * path is checked first of all), so a failed export records no run.
 */
import type { RunRecord } from '../../catalog/catalog.js';
import { lineageId } from '../../influence/lineage-id.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { buildExampleSet } from './example-set.js';
import { parseParams } from './run-params.js';
import type { ExportResult } from '../interchange/export.js';
import { authorOf, timeOf } from '../repository/identity.js';
import { withLease } from '../repository/lease.js';
import type { Repository } from '../repository/repository.js';

export interface RunStartOptions {
  readonly dataset: string;
  readonly where?: string | undefined;
  readonly schema?: string | undefined;
  /** `k=v` strings. */
  readonly params?: readonly string[] | undefined;
  readonly author?: string | undefined;
  readonly export?: { readonly format: string; readonly out: string } | undefined;
}

export interface RunStartResult {
  readonly run: RunRecord;
  readonly export?: ExportResult;
}

export async function startRun(repo: Repository, opts: RunStartOptions): Promise<RunStartResult> {
  const params = parseParams(opts.params ?? [], 'param');
  const commit = await resolveRef(repo.catalog, repo.chunks, opts.dataset);
  const { exportSnapshot, prepareExportTarget } = await import('../interchange/export.js');
  if (opts.export) prepareExportTarget(opts.export.format, opts.export.out);
  const set = await withLease(repo, 'writer', () =>
    buildExampleSet(repo, commit, { where: opts.where, schema: opts.schema }),
  );
  const author = authorOf(repo, opts.author);
  const startedAt = timeOf(repo);
  const filter = opts.where ?? null;
  const schema = opts.schema ?? null;
  const fields = [opts.dataset, commit, filter ?? '', schema ?? '', JSON.stringify(params)];
  const record = (id: string): RunRecord => ({
    id,
    datasetRef: opts.dataset,
    commit,
    filter,
    schema,
    exampleSet: set.root,
    exampleCount: set.count,
    params,
    author,
    startedAt,
    finishedAt: null,
    status: 'running',
    vectors: null,
  });
  // The export runs before the run is recorded: a failed export leaves no run behind.
  const exported = opts.export
    ? await exportSnapshot(repo, {
        ref: commit,
        format: opts.export.format,
        out: opts.export.out,
        ...(opts.schema !== undefined ? { schema: opts.schema } : {}),
        ...(opts.where !== undefined ? { where: opts.where } : {}),
      })
    : undefined;
  const run = await insertWithFreshId(repo, (n) =>
    record(lineageId('run', [...fields, author, startedAt, ...(n > 0 ? [String(n)] : [])])),
  );
  return exported ? { run, export: exported } : { run };
}

/** Inserts the run; two identical starts at the same instant get ids `..., 1`, `..., 2`. */
async function insertWithFreshId(
  repo: Repository,
  make: (attempt: number) => RunRecord,
): Promise<RunRecord> {
  for (let attempt = 0; ; attempt++) {
    const run = make(attempt);
    if (await repo.catalog.lineage.getRun(run.id)) continue;
    await repo.catalog.lineage.insertRun(run);
    return run;
  }
}
