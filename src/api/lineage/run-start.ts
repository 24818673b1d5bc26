/**
 * `verso run start --dataset REF [--slice S] [--where EXPR] [--schema V] [--param k=v ...]`
 * (layer: api): records a training run. The ref is resolved once to its exact commit; the
 * example set (`example-set.ts`) is built and its root hash stored with the run, so what the run
 * trained on never changes when the ref moves later. With `export`, the same selection is
 * written in one step via `exportSnapshot` on the exact commit, before the run is recorded (the
 * output path is checked first of all), so a failed export records no run.
 *
 * With a slice, the run trains on the slice's labels (`slices.ts` `sliceLabels`: a selection's
 * images, or a saved slice's filter and schema) as they are at REF (default: the slice's own
 * commit; after a relabeling branch is merged, the merged labels of those images), narrowed by
 * `--where`; the run records the slice, which links it to the prediction set and model that
 * chose its data (`lineage up`).
 */
import type { RunRecord, SliceRecord } from '../../catalog/catalog.js';
import { lineageId } from '../../influence/lineage-id.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { buildExampleSet } from './example-set.js';
import { parseParams } from './run-params.js';
import { findSlice, sliceLabels } from './slices.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { ExportResult } from '../interchange/export.js';
import { authorOf, timeOf } from '../repository/identity.js';
import { withLease } from '../repository/lease.js';
import type { Repository } from '../repository/repository.js';

export interface RunStartOptions {
  /** A ref; optional with `slice` (then the slice's commit). */
  readonly dataset?: string | undefined;
  /** A slice id (or unique prefix or name) whose labels the run trains on. */
  readonly slice?: string | undefined;
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
  const slice = opts.slice !== undefined ? await findSlice(repo, opts.slice) : undefined;
  const datasetRef = opts.dataset ?? slice?.commit;
  if (datasetRef === undefined)
    throw new InvalidArgumentError('dataset', '(none)', 'give a ref to train on, or a slice');
  const commit = await resolveRef(repo.catalog, repo.chunks, datasetRef);
  const { where, schema: schemaName } = await selection(repo, slice, opts);
  const { exportSnapshot, prepareExportTarget } = await import('../interchange/export.js');
  if (opts.export) prepareExportTarget(opts.export.format, opts.export.out);
  const set = await withLease(repo, 'writer', () =>
    buildExampleSet(repo, commit, { where, schema: schemaName }),
  );
  const author = authorOf(repo, opts.author);
  const startedAt = timeOf(repo);
  const filter = where ?? null;
  const schema = schemaName ?? null;
  const fields = [datasetRef, commit, filter ?? '', schema ?? '', JSON.stringify(params)];
  if (slice) fields.push(`slice:${slice.id}`);
  const record = (id: string): RunRecord => ({
    id,
    datasetRef,
    commit,
    filter,
    schema,
    exampleSet: set.root,
    exampleCount: set.count,
    slice: slice?.id ?? null,
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
        ...(schemaName !== undefined ? { schema: schemaName } : {}),
        ...(where !== undefined ? { where } : {}),
      })
    : undefined;
  const run = await insertWithFreshId(repo, (n) =>
    record(lineageId('run', [...fields, author, startedAt, ...(n > 0 ? [String(n)] : [])])),
  );
  return exported ? { run, export: exported } : { run };
}

/**
 * The run's filter and schema: the user's, and with a slice the slice's labels narrowed by the
 * user's filter. A saved slice's filter is in its schema's terms, so another schema is refused.
 */
async function selection(
  repo: Repository,
  slice: SliceRecord | undefined,
  opts: RunStartOptions,
): Promise<{ where?: string | undefined; schema?: string | undefined }> {
  if (!slice) return { where: opts.where, schema: opts.schema };
  const labels = await sliceLabels(repo, slice);
  if (opts.schema !== undefined && labels.schema !== undefined && opts.schema !== labels.schema)
    throw new InvalidArgumentError(
      'schema',
      opts.schema,
      `slice ${slice.id.slice(0, 12)} was saved in schema ${labels.schema}; train on it in that schema`,
    );
  const where = [labels.where, opts.where].filter((w) => w !== undefined);
  return {
    where: where.length > 1 ? where.map((w) => `(${w})`).join(' and ') : where[0],
    schema: opts.schema ?? labels.schema,
  };
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
