/**
 * The SQLite catalog's table layout and its upgrades (layer: catalog). The schema version is
 * `PRAGMA user_version`; `MIGRATIONS[i]` upgrades version i to i + 1, and all pending steps run
 * in one immediate transaction at open, so concurrent openers agree (a catalog already at the
 * current version is opened without a write transaction). A catalog newer than this
 * code is refused, never downgraded.
 */
import type Database from 'better-sqlite3';
import { VersoError } from '../../core/errors.js';
import { DERIVED_MIGRATION, INDEX_DELTA_MIGRATION } from './sqlite-derived-catalog.js';
import {
  LINEAGE_IMMUTABILITY_MIGRATION,
  LINEAGE_MIGRATION,
  PREDICTION_SETS_MIGRATION,
  RUN_SLICE_MIGRATION,
} from './sqlite-lineage-catalog.js';
import { REF_LOG_MIGRATION } from './sqlite-ref-log.js';
import { ACCESS_MIGRATION } from './sqlite-access-catalog.js';

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE refs (
     name TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('branch', 'tag')),
     target TEXT NOT NULL,
     updated_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE commits (
     id TEXT PRIMARY KEY,
     snapshot TEXT NOT NULL,
     parents TEXT NOT NULL,
     generation INTEGER NOT NULL,
     time TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE leases (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL CHECK (kind IN ('writer', 'gc')),
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     acquired_at TEXT NOT NULL
   );`,
  `CREATE TABLE pending_merges (
     branch TEXT PRIMARY KEY,
     version INTEGER NOT NULL,
     state TEXT NOT NULL,
     updated_at TEXT NOT NULL
   ) WITHOUT ROWID;`,
  `CREATE TABLE schema_versions (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL UNIQUE,
     parent TEXT REFERENCES schema_versions (name),
     delta TEXT NOT NULL,
     author TEXT NOT NULL,
     created_at TEXT NOT NULL,
     message TEXT NOT NULL
   );`,
  LINEAGE_MIGRATION,
  DERIVED_MIGRATION,
  INDEX_DELTA_MIGRATION,
  LINEAGE_IMMUTABILITY_MIGRATION,
  REF_LOG_MIGRATION,
  ACCESS_MIGRATION,
  PREDICTION_SETS_MIGRATION,
  RUN_SLICE_MIGRATION,
];

/** The catalog's schema version (`PRAGMA user_version`; 0 for a database without tables). */
export function catalogVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the catalog to the current version. Reads the version first and takes the write lock
 * only when a step is pending (then reads it again under the lock): opening an up-to-date
 * catalog writes nothing, so reads work on a full disk.
 */
export function migrate(db: Database.Database, file: string): void {
  if (catalogVersion(db) === MIGRATIONS.length) return;
  db.transaction(() => {
    const version = catalogVersion(db);
    if (version > MIGRATIONS.length) {
      throw new VersoError(
        'InvalidInput',
        'CATALOG_TOO_NEW',
        `catalog '${file}' has schema version ${version}; this Verso understands up to ${MIGRATIONS.length}`,
        { file, version, supported: MIGRATIONS.length },
      );
    }
    for (const step of MIGRATIONS.slice(version)) db.exec(step);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
