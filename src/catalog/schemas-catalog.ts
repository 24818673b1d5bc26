/**
 * SchemasCatalog: the schema registry, immutable named versions each stored as a delta from
 * its parent (layer: catalog).
 *
 * Contract (checked for every backend by `schemas-catalog.contract.ts`):
 * - `createSchemaVersion` stores an immutable version; it throws `SchemaVersionExistsError` if
 *   the name is taken and `SchemaVersionNotFoundError` if the parent is not a stored version
 *   (storing nothing in either case).
 * - `listSchemaVersions` returns them in creation order (not by `createdAt`).
 */

/** A schema version: its delta from `parent` (null: from the empty schema), canonical JSON text. */
export interface SchemaVersionRecord {
  readonly name: string;
  readonly parent: string | null;
  readonly delta: string;
  readonly author: string;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  readonly message: string;
}

export interface SchemasCatalog {
  createSchemaVersion(record: SchemaVersionRecord): Promise<void>;
  getSchemaVersion(name: string): Promise<SchemaVersionRecord | undefined>;
  listSchemaVersions(): Promise<SchemaVersionRecord[]>;
}
