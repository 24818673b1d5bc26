/**
 * Catalog: the small mutable state of a repository (layer: catalog).
 *
 * Everything else is immutable chunks; the catalog holds what moves. It is the union of one
 * interface per concern, each with its own file and contract suite (`<concern>.contract.ts`,
 * run against every backend):
 * - `RefsCatalog` (`refs-catalog.ts`): branches and tags, moved by compare-and-swap, and the ref
 *   log written in the same atomic step as each move;
 * - `CommitsCatalog` (`commits-catalog.ts`): the commit index (log, prefix lookup, merge-base
 *   generation numbers);
 * - `MergesCatalog` (`merges-catalog.ts`): pending merges, versioned;
 * - `SchemasCatalog` (`schemas-catalog.ts`): the schema registry;
 * - `ConfigCatalog` (`config-catalog.ts`): repository config;
 * - `LeasesCatalog` (`leases-catalog.ts`): leases that keep gc and writers apart;
 * - `lineage: LineageCatalog` (`lineage-catalog.ts`): runs, models, predictions, slices;
 * - `derived: DerivedCatalog` (`derived-catalog.ts`): index and blame roots, commit numbers;
 * - `access: AccessCatalog` (`access-catalog.ts`): API tokens, the audit log, branch protection.
 * Code that needs one concern takes the narrow interface; `Catalog` is what a backend provides
 * and what a repository holds.
 * Backends: `SqliteCatalog` (`sqlite/`, the embedded default) and `PostgresCatalog`
 * (`postgres/`, several servers sharing one repository); both run the same contract suites.
 */
import type { CommitsCatalog } from './commits-catalog.js';
import type { ConfigCatalog } from './config-catalog.js';
import type { DerivedCatalog } from './derived-catalog.js';
import type { AccessCatalog } from './access-catalog.js';
import type { LeasesCatalog } from './leases-catalog.js';
import type { LineageCatalog } from './lineage-catalog.js';
import type { MergesCatalog } from './merges-catalog.js';
import type { RefsCatalog } from './refs-catalog.js';
import type { SchemasCatalog } from './schemas-catalog.js';

export type * from './refs-catalog.js';
export type * from './commits-catalog.js';
export type * from './merges-catalog.js';
export type * from './schemas-catalog.js';
export type * from './config-catalog.js';
export type * from './leases-catalog.js';
export type * from './lineage-catalog.js';
export type * from './derived-catalog.js';
export type * from './access-catalog.js';

export interface Catalog
  extends RefsCatalog, CommitsCatalog, MergesCatalog, SchemasCatalog, ConfigCatalog, LeasesCatalog {
  /** Training runs, models, predictions, slices (`lineage-catalog.ts` has the contract). */
  readonly lineage: LineageCatalog;

  /** Secondary-index and blame roots, commit numbers (`derived-catalog.ts` has the contract). */
  readonly derived: DerivedCatalog;

  /** Tokens, the audit log, branch protection (`access-catalog.ts` has the contract). */
  readonly access: AccessCatalog;

  close(): Promise<void>;
}
