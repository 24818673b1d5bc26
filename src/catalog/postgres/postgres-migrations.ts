/**
 * The PostgreSQL catalog's tables and their versioned migrations (layer: catalog).
 *
 * `MIGRATIONS[i]` brings a schema from version i to i + 1; `schema_migrations` holds one row per
 * applied version. `migrate` runs every pending step in ONE transaction under a transaction-level
 * advisory lock keyed by the schema name, so servers that open the same repository at once
 * migrate it exactly once (the others wait, then find nothing to do). A schema already at the
 * current version is opened with a read only. A schema newer than this code is refused.
 *
 * Layout notes: every text column is `COLLATE "C"` so ORDER BY and range scans are byte order,
 * as in the SQLite backend (ids, names, ISO times compare as strings). Times the API sees are
 * ISO-8601 text; only `leases.expires_at` is a `timestamptz` (compared with the database clock).
 * Sequences (`GENERATED ALWAYS AS IDENTITY`) give the ref log's and audit log's `seq`.
 */
import type pg from 'pg';
import { VersoError } from '../../core/errors.js';
import { CatalogNotFoundError, serverName, type ServerAddress } from './postgres-errors.js';
import type { PgDatabase } from './postgres-pool.js';

const T = 'TEXT COLLATE "C"';

const CORE_TABLES = `
  CREATE TABLE refs (
    name ${T} PRIMARY KEY,
    kind ${T} NOT NULL CHECK (kind IN ('branch', 'tag')),
    target ${T} NOT NULL,
    updated_at ${T} NOT NULL
  );
  CREATE TABLE ref_log (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref ${T} NOT NULL,
    kind ${T} NOT NULL CHECK (kind IN ('branch', 'tag')),
    old_target ${T},
    new_target ${T},
    operation ${T} NOT NULL,
    author ${T} NOT NULL,
    time ${T} NOT NULL,
    message ${T} NOT NULL
  );
  CREATE INDEX ref_log_by_ref ON ref_log (ref, seq);
  CREATE TABLE commits (
    id ${T} PRIMARY KEY,
    snapshot ${T} NOT NULL,
    parents ${T} NOT NULL,
    generation INTEGER NOT NULL,
    time ${T} NOT NULL
  );
  CREATE TABLE config (key ${T} PRIMARY KEY, value ${T} NOT NULL);
  CREATE TABLE leases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind ${T} NOT NULL CHECK (kind IN ('writer', 'gc')),
    pid INTEGER NOT NULL,
    host ${T} NOT NULL,
    acquired_at ${T} NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE pending_merges (
    branch ${T} PRIMARY KEY,
    version INTEGER NOT NULL,
    state ${T} NOT NULL,
    updated_at ${T} NOT NULL
  );
  CREATE TABLE schema_versions (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name ${T} NOT NULL UNIQUE,
    parent ${T} REFERENCES schema_versions (name),
    delta ${T} NOT NULL,
    author ${T} NOT NULL,
    created_at ${T} NOT NULL,
    message ${T} NOT NULL
  );`;

const LINEAGE_TABLES = `
  CREATE TABLE runs (
    id ${T} PRIMARY KEY, dataset_ref ${T} NOT NULL, commit_id ${T} NOT NULL,
    filter ${T}, schema ${T}, example_set ${T} NOT NULL, example_count INTEGER NOT NULL,
    params ${T} NOT NULL, author ${T} NOT NULL, started_at ${T} NOT NULL, finished_at ${T},
    status ${T} NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
    vectors_blob ${T}, vectors_dim INTEGER, vectors_count INTEGER, vectors_kind ${T}
  );
  CREATE INDEX runs_by_commit ON runs (commit_id);
  CREATE TABLE models (
    id ${T} PRIMARY KEY, run ${T} NOT NULL REFERENCES runs (id), name ${T} NOT NULL,
    version ${T} NOT NULL, metrics ${T} NOT NULL, created_at ${T} NOT NULL,
    CONSTRAINT models_name_version UNIQUE (name, version)
  );
  CREATE INDEX models_by_run ON models (run);
  CREATE TABLE predictions (
    id ${T} PRIMARY KEY, model ${T} NOT NULL REFERENCES models (id), image ${T} NOT NULL,
    output ${T} NOT NULL, time ${T} NOT NULL, external_id ${T}, vector BYTEA
  );
  CREATE INDEX predictions_by_model ON predictions (model, id);
  CREATE INDEX predictions_by_external_id ON predictions (external_id) WHERE external_id IS NOT NULL;
  CREATE TABLE slices (
    id ${T} PRIMARY KEY, name ${T} NOT NULL, commit_id ${T} NOT NULL, filter ${T}, schema ${T},
    example_count INTEGER NOT NULL, created_at ${T} NOT NULL
  );
  CREATE INDEX slices_by_commit ON slices (commit_id);`;

const DERIVED_TABLES = `
  CREATE TABLE tree_indexes (
    kind ${T} NOT NULL, source ${T} NOT NULL, format INTEGER NOT NULL, root ${T} NOT NULL,
    adds ${T}, removes ${T},
    PRIMARY KEY (kind, source, format)
  );
  CREATE TABLE blame_roots (commit_id ${T} PRIMARY KEY, root ${T} NOT NULL);
  CREATE TABLE commit_numbers (
    n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commit_id ${T} NOT NULL UNIQUE
  );`;

const ACCESS_TABLES = `
  CREATE TABLE tokens (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name ${T} NOT NULL,
    role ${T} NOT NULL CHECK (role IN ('read', 'annotate', 'review', 'admin')),
    identity ${T} NOT NULL,
    hash ${T} NOT NULL UNIQUE,
    created_at ${T} NOT NULL,
    expires_at ${T},
    revoked_at ${T},
    last_used_at ${T}
  );
  CREATE UNIQUE INDEX tokens_unrevoked_name ON tokens (name) WHERE revoked_at IS NULL;
  CREATE TABLE audit_log (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time ${T} NOT NULL,
    identity ${T} NOT NULL,
    token_name ${T},
    action ${T} NOT NULL,
    target ${T} NOT NULL,
    detail ${T},
    address ${T}
  );
  CREATE INDEX audit_log_by_identity ON audit_log (identity, seq);
  CREATE TABLE branch_protection (
    branch ${T} PRIMARY KEY,
    require ${T} NOT NULL CHECK (require IN ('read', 'annotate', 'review', 'admin')),
    checks ${T} NOT NULL,
    created_at ${T} NOT NULL,
    created_by ${T} NOT NULL
  );`;

/**
 * Immutability in the database itself, as in the SQLite backend: lineage records change only as
 * the contract allows (a running run's end and, once, its vectors), tokens only by revocation
 * (once) and last use, the audit log is append-only; none of these rows is ever deleted.
 */
const IMMUTABILITY_TRIGGERS = `
  CREATE FUNCTION verso_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'check_violation'; END $$;
  CREATE TRIGGER runs_immutable BEFORE UPDATE ON runs FOR EACH ROW
    WHEN (OLD.status <> 'running'
      OR (NEW.id, NEW.dataset_ref, NEW.commit_id, NEW.filter, NEW.schema, NEW.example_set,
          NEW.example_count, NEW.params, NEW.author, NEW.started_at)
         IS DISTINCT FROM
         (OLD.id, OLD.dataset_ref, OLD.commit_id, OLD.filter, OLD.schema, OLD.example_set,
          OLD.example_count, OLD.params, OLD.author, OLD.started_at)
      OR (OLD.vectors_blob IS NOT NULL AND
          (NEW.vectors_blob, NEW.vectors_dim, NEW.vectors_count, NEW.vectors_kind)
          IS DISTINCT FROM
          (OLD.vectors_blob, OLD.vectors_dim, OLD.vectors_count, OLD.vectors_kind)))
    EXECUTE FUNCTION verso_refuse('lineage records are immutable');
  CREATE TRIGGER runs_never_deleted BEFORE DELETE ON runs FOR EACH ROW
    EXECUTE FUNCTION verso_refuse('lineage records are immutable');
  CREATE TRIGGER models_immutable BEFORE UPDATE OR DELETE ON models FOR EACH ROW
    EXECUTE FUNCTION verso_refuse('lineage records are immutable');
  CREATE TRIGGER predictions_immutable BEFORE UPDATE OR DELETE ON predictions FOR EACH ROW
    EXECUTE FUNCTION verso_refuse('lineage records are immutable');
  CREATE TRIGGER slices_immutable BEFORE UPDATE OR DELETE ON slices FOR EACH ROW
    EXECUTE FUNCTION verso_refuse('lineage records are immutable');
  CREATE TRIGGER tokens_fixed
    BEFORE UPDATE OF seq, name, role, identity, hash, created_at, expires_at ON tokens
    FOR EACH ROW EXECUTE FUNCTION verso_refuse('tokens are immutable except for revocation and last use');
  CREATE TRIGGER tokens_revoked_once BEFORE UPDATE OF revoked_at ON tokens FOR EACH ROW
    WHEN (OLD.revoked_at IS NOT NULL)
    EXECUTE FUNCTION verso_refuse('tokens are immutable except for revocation and last use');
  CREATE TRIGGER tokens_kept BEFORE DELETE ON tokens FOR EACH ROW
    EXECUTE FUNCTION verso_refuse('tokens are immutable except for revocation and last use');
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW
    EXECUTE FUNCTION verso_refuse('the audit log is append-only');`;

/** Prediction sets (issue 17), immutable, and the selection behind a `verso select` slice. */
const PREDICTION_SETS = `
  ALTER TABLE slices ADD COLUMN selection ${T};
  CREATE TABLE prediction_sets (
    id ${T} PRIMARY KEY, model ${T} NOT NULL REFERENCES models (id), root ${T} NOT NULL,
    prediction_count BIGINT NOT NULL, image_count BIGINT NOT NULL, format ${T} NOT NULL,
    dataset ${T}, created_at ${T} NOT NULL
  );
  CREATE INDEX prediction_sets_by_model ON prediction_sets (model, created_at, id);
  CREATE TRIGGER prediction_sets_immutable BEFORE UPDATE OR DELETE ON prediction_sets
    FOR EACH ROW EXECUTE FUNCTION verso_refuse('lineage records are immutable');`;

/**
 * The active-learning loop (issue 17), as in the SQLite backend: the slice a run trained on
 * (immutable like the rest of the run), the slices `select` chose from a prediction set, and a
 * set's ranking trees.
 */
const RUN_SLICE = `
  ALTER TABLE prediction_sets ADD COLUMN rankings ${T};
  ALTER TABLE runs ADD COLUMN slice ${T};
  CREATE INDEX runs_by_slice ON runs (slice) WHERE slice IS NOT NULL;
  CREATE TRIGGER runs_slice_immutable BEFORE UPDATE OF slice ON runs FOR EACH ROW
    WHEN (NEW.slice IS DISTINCT FROM OLD.slice)
    EXECUTE FUNCTION verso_refuse('lineage records are immutable');
  CREATE INDEX slices_by_prediction_set
    ON slices (((selection::jsonb) ->> 'predictionSet'), created_at, id);`;

export const MIGRATIONS: readonly string[] = [
  CORE_TABLES + LINEAGE_TABLES + DERIVED_TABLES + ACCESS_TABLES,
  IMMUTABILITY_TRIGGERS,
  PREDICTION_SETS,
  RUN_SLICE,
];

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

/** The highest applied version; 0 when the schema has no migrations table. */
async function appliedVersion(db: PgDatabase | pg.PoolClient, schema: string): Promise<number> {
  const sql = `SELECT CASE WHEN to_regclass($1) IS NULL THEN -1 ELSE 0 END AS present`;
  const run = async (text: string, values: unknown[]) =>
    'read' in db
      ? await db.read<Record<string, unknown>>('open', { text, values })
      : ((await db.query(text, values)).rows as Record<string, unknown>[]);
  const [presence] = await run(sql, [`"${schema}".schema_migrations`]);
  if (presence?.['present'] === -1) return 0;
  const [row] = await run(
    `SELECT coalesce(max(version), 0) AS v FROM "${schema}".schema_migrations`,
    [],
  );
  return Number(row?.['v'] ?? 0);
}

/**
 * Brings schema `schema` to the current version (creating it when `create`); refuses a schema
 * without Verso tables when not `create`, and one newer than this code.
 */
export async function migrate(
  db: PgDatabase,
  schema: string,
  create: boolean,
  at: ServerAddress,
): Promise<void> {
  const before = await appliedVersion(db, schema);
  if (before === 0 && !create) throw new CatalogNotFoundError(at);
  if (before > MIGRATIONS.length) throw tooNew(at, before);
  if (before === MIGRATIONS.length) return;
  await db.transaction('migrate', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`verso-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET LOCAL search_path = "${schema}"`);
    await client.query(MIGRATIONS_TABLE);
    const version = await appliedVersion(client, schema);
    if (version > MIGRATIONS.length) throw tooNew(at, version);
    for (let step = version; step < MIGRATIONS.length; step++) {
      await client.query(MIGRATIONS[step]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [step + 1]);
    }
  });
}

function tooNew(at: ServerAddress, version: number): VersoError {
  return new VersoError(
    'InvalidInput',
    'CATALOG_TOO_NEW',
    `the catalog at ${serverName(at)} has schema version ${version}; this Verso understands up to ${MIGRATIONS.length}`,
    { version, supported: MIGRATIONS.length },
  );
}
