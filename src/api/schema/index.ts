/**
 * The schema feature's public verbs (layer: api): creating schema versions, showing and
 * diffing them, migrating a branch and what a migration left to review.
 */
export {
  createSchemaVersion,
  type CreateSchemaOptions,
  type CreateSchemaResult,
} from './schema-create.js';
export {
  diffSchemas,
  schemaLog,
  showSchema,
  type SchemaDiffResult,
  type SchemaVersionInfo,
  type ShowSchemaResult,
} from './schema-show.js';
export {
  migrateBranch,
  type MigratedOp,
  type MigrateOptions,
  type MigrateResult,
} from './migrate.js';
export { migrationStatus, type MigrationStatus, type NeedsReview } from './migrate-status.js';
