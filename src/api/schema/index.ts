/**
 * The schema feature's verbs (layer: api): schema versions and migrations.
 */
export { createSchemaVersion } from './schema-create.js';
export type { CreateSchemaResult } from './schema-create.js';
export { diffSchemas, schemaLog, showSchema } from './schema-show.js';
export type { SchemaDiffResult, SchemaVersionInfo, ShowSchemaResult } from './schema-show.js';
export { migrateBranch } from './migrate.js';
export type { MigrateResult } from './migrate.js';
export { migrationStatus } from './migrate-status.js';
export type { MigrationStatus } from './migrate-status.js';
