/**
 * `verso model register --run RUN --name N --version V [--metrics FILE | k=v ...]` (layer: api):
 * records a model produced by a run. Its id is `model-<12 hex>` of (name, version), which are
 * unique together. Metrics: a JSON object file, or `k=v` pairs (numbers when they parse as one).
 */
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import { FormatParseError } from '../../core/errors.js';
import type { ModelRecord } from '../../catalog/catalog.js';
import { lineageId } from '../../influence/lineage-id.js';
import { timeOf } from '../repository/identity.js';
import { readJsonInput } from '../../io/json-input.js';
import type { Repository } from '../repository/repository.js';
import { parseParams } from './run-params.js';

export { findModel } from '../repository/lineage-refs.js';

export interface ModelRegisterOptions {
  readonly run: string;
  readonly name: string;
  readonly version: string;
  readonly metricsFile?: string | undefined;
  readonly metrics?: readonly string[] | undefined;
}

export async function registerModel(
  repo: Repository,
  opts: ModelRegisterOptions,
): Promise<ModelRecord> {
  if (!(await repo.catalog.lineage.getRun(opts.run)))
    throw new LineageRecordNotFoundError('run', opts.run);
  const metrics = {
    ...(opts.metricsFile !== undefined ? await readMetrics(opts.metricsFile) : {}),
    ...Object.fromEntries(
      Object.entries(parseParams(opts.metrics ?? [], 'metric')).map(([k, v]) => [k, asNumber(v)]),
    ),
  };
  const model: ModelRecord = {
    id: lineageId('model', [opts.name, opts.version]),
    run: opts.run,
    name: opts.name,
    version: opts.version,
    metrics,
    createdAt: timeOf(repo),
  };
  await repo.catalog.lineage.insertModel(model);
  return model;
}

async function readMetrics(file: string): Promise<Record<string, unknown>> {
  const value = await readJsonInput(file);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FormatParseError(file, 1, null, 'expected a JSON object of metrics');
  return value as Record<string, unknown>;
}

function asNumber(v: string): string | number {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : v;
}
