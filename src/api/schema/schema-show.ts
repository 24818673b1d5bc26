/**
 * `verso schema show|log|diff` (layer: api): read-only views of the registry.
 *
 * - show VERSION, or `--at DATE`: the version in force then (the newest created at or before
 *   that instant; a bare date means the end of that day, UTC), its classes reconstructed from
 *   the deltas, and its own delta;
 * - log: every version, newest first, with parent and op count;
 * - diff A B: when B descends from A, the recorded ops of every version between them (they
 *   include merges and splits); otherwise the computed difference of the two class lists.
 */
import { SchemaVersionNotFoundError } from '../../core/errors.js';
import { computeDelta } from '../../schema/delta.js';
import type { DeltaOp } from '../../schema/delta-ops.js';
import { describeStep, migrationSteps, type MigrationStep } from '../../schema/migration-steps.js';
import type { SchemaClass } from '../../schema/taxonomy.js';
import { parseAtInstant, versionAt } from '../../schema/version-graph.js';
import type { Repository } from '../repository/repository.js';
import { SchemaRegistry } from '../repository/schema-registry.js';

export interface SchemaVersionInfo {
  readonly version: string;
  readonly parent: string | null;
  readonly author: string;
  readonly createdAt: string;
  readonly message: string;
}

export interface ShowSchemaResult extends SchemaVersionInfo {
  readonly classes: readonly SchemaClass[];
  readonly delta: readonly DeltaOp[];
}

export async function showSchema(
  repo: Repository,
  which: { readonly version?: string; readonly at?: string },
): Promise<ShowSchemaResult> {
  const registry = await SchemaRegistry.open(repo);
  let name = which.version;
  if (which.at !== undefined) {
    const inForce = versionAt(registry.versions, parseAtInstant(which.at));
    if (!inForce)
      throw new SchemaVersionNotFoundError(`in force at ${which.at} (none created yet)`);
    if (name !== undefined && name !== inForce.name)
      throw new SchemaVersionNotFoundError(
        `${name} at ${which.at} (in force then: ${inForce.name})`,
      );
    name = inForce.name;
  }
  if (name === undefined) {
    const latest = registry.latest();
    if (!latest) throw new SchemaVersionNotFoundError('(none created yet)');
    name = latest.name;
  }
  return {
    ...info(registry, name),
    classes: registry.taxonomy(name).classes,
    delta: registry.delta(name),
  };
}

function info(registry: SchemaRegistry, name: string): SchemaVersionInfo {
  const r = registry.record(name);
  return {
    version: r.name,
    parent: r.parent,
    author: r.author,
    createdAt: r.createdAt,
    message: r.message,
  };
}

export async function schemaLog(
  repo: Repository,
): Promise<(SchemaVersionInfo & { ops: number })[]> {
  const registry = await SchemaRegistry.open(repo);
  return registry.versions
    .map((v) => ({ ...info(registry, v.name), ops: registry.delta(v.name).length }))
    .reverse();
}

export interface SchemaDiffResult {
  readonly from: string;
  readonly to: string;
  /** True: the recorded ops along the parent links; false: computed from the class lists. */
  readonly recorded: boolean;
  readonly steps: readonly {
    readonly version: string;
    readonly op: DeltaOp;
    readonly text: string;
  }[];
}

export async function diffSchemas(
  repo: Repository,
  from: string,
  to: string,
): Promise<SchemaDiffResult> {
  const registry = await SchemaRegistry.open(repo);
  registry.record(from);
  registry.record(to);
  const recorded = registry.descends(from, to);
  const steps: MigrationStep[] = recorded
    ? registry.stepsBetween(from, to)
    : migrationSteps([
        {
          version: `${from}..${to}`,
          parent: registry.taxonomy(from),
          ops: computeDelta(registry.taxonomy(from), registry.taxonomy(to)),
        },
      ]);
  return {
    from,
    to,
    recorded,
    steps: steps.map((s) => ({ version: s.version, op: s.op, text: describeStep(s) })),
  };
}
