/**
 * The schema registry as the api sees it (layer: api, repository infrastructure): versions from
 * the catalog, each reconstructed by replaying deltas from its root (memoised per registry
 * object), and the steps between two versions. One `SchemaRegistry` serves one operation; it
 * reads the catalog once. It lives in `repository/` (not the `schema/` feature) because it is
 * reading the repository's stored schemas: the write checks (`write/`), the importers and the
 * exporters need the schema in force as much as the schema verbs do, and infrastructure
 * imports no feature.
 */
import { CorruptionError, SchemaVersionNotFoundError } from '../../core/errors.js';
import type { SchemaVersionRecord } from '../../catalog/catalog.js';
import { applyDelta } from '../../schema/delta.js';
import { parseDeltaOps, type DeltaOp } from '../../schema/delta-ops.js';
import { migrationSteps, type MigrationStep } from '../../schema/migration-steps.js';
import { EMPTY_TAXONOMY, type Taxonomy } from '../../schema/taxonomy.js';
import { chainTo, pathBetween } from '../../schema/version-graph.js';
import type { Repository } from './repository.js';

export class SchemaRegistry {
  private readonly taxonomies = new Map<string, Taxonomy>();
  private readonly deltas = new Map<string, readonly DeltaOp[]>();

  private constructor(
    /** In creation order. */
    readonly versions: readonly SchemaVersionRecord[],
    private readonly byName: ReadonlyMap<string, SchemaVersionRecord>,
  ) {}

  static async open(repo: Repository): Promise<SchemaRegistry> {
    const versions = await repo.catalog.listSchemaVersions();
    return new SchemaRegistry(versions, new Map(versions.map((v) => [v.name, v])));
  }

  record(name: string): SchemaVersionRecord {
    const r = this.byName.get(name);
    if (!r) throw new SchemaVersionNotFoundError(name);
    return r;
  }

  /** The newest version by creation order, if any. */
  latest(): SchemaVersionRecord | undefined {
    return this.versions[this.versions.length - 1];
  }

  delta(name: string): readonly DeltaOp[] {
    let ops = this.deltas.get(name);
    if (!ops) {
      const text = this.record(name).delta;
      try {
        ops = parseDeltaOps(JSON.parse(text) as unknown, 'delta');
      } catch (e) {
        throw new CorruptionError(`schema version '${name}' has an unreadable delta`, {
          name,
          cause: String(e),
        });
      }
      this.deltas.set(name, ops);
    }
    return ops;
  }

  taxonomy(name: string): Taxonomy {
    const done = this.taxonomies.get(name);
    if (done) return done;
    let t = EMPTY_TAXONOMY;
    for (const v of chainTo(this.byName, name)) {
      const known = this.taxonomies.get(v.name);
      t = known ?? applyDelta(t, this.delta(v.name)).taxonomy;
      this.taxonomies.set(v.name, t);
    }
    return t;
  }

  parentTaxonomy(name: string): Taxonomy {
    const parent = this.record(name).parent;
    return parent === null ? EMPTY_TAXONOMY : this.taxonomy(parent);
  }

  /** The numbered steps from `from` to its descendant `to` (empty when equal). */
  stepsBetween(from: string, to: string): MigrationStep[] {
    return migrationSteps(
      pathBetween(this.byName, from, to).map((v) => ({
        version: v.name,
        parent: this.parentTaxonomy(v.name),
        ops: this.delta(v.name),
      })),
    );
  }

  /** Whether `to` is `from` or descends from it. */
  descends(from: string, to: string): boolean {
    return chainTo(this.byName, to).some((v) => v.name === from);
  }
}

/** A schema version and its classes: what writers validate labels against. */
export interface LabelSchema {
  readonly version: string;
  readonly taxonomy: Taxonomy;
}

/** The schema of a snapshot (undefined when it has none). */
export async function labelSchemaOf(
  repo: Repository,
  version: string | null,
): Promise<LabelSchema | undefined> {
  if (version === null) return undefined;
  return { version, taxonomy: (await SchemaRegistry.open(repo)).taxonomy(version) };
}
