/**
 * PostgreSQL temporal-table baseline (layer: bench): what a team that "rolls its own" label
 * versioning on PostgreSQL builds. One row per label version, valid from the commit that wrote
 * it until the commit that replaced or deleted it (`valid_to` NULL: current):
 *
 *     label_versions(image, label, content jsonb, valid_from bigint, valid_to bigint)
 *
 * - import: `COPY ... FROM STDIN` (CSV) of every label as version 1, then the indexes a team
 *   needs (current rows unique by (image, label); `valid_from`; `valid_to`), timed separately;
 * - commit: one transaction closes the current versions of every edited label and inserts the
 *   new versions of the puts, in two set-based statements (unnest of arrays), and a commit row;
 * - diff of that commit: the indexed query `valid_from = C OR valid_to = C`;
 * - read at a commit: `COPY (SELECT content ... valid at C) TO STDOUT` (a full scan, unordered);
 * - growth: `pg_total_relation_size` of the table and its indexes before and after the commit
 *   (WAL not counted).
 * It cannot branch or merge; it reads a snapshot by scanning.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { timeMs } from './measure.js';
import { startPostgres } from './servers/postgres-server.js';

export interface PostgresBaselineOptions {
  readonly labelsFile: string;
  readonly editsFile: string;
}

export interface PostgresBaselineResult {
  readonly rows: number;
  readonly copyMs: number;
  readonly indexMs: number;
  readonly commitMs: number;
  readonly commitOps: number;
  readonly diffMs: number;
  readonly diffRows: number;
  readonly readMs: number;
  readonly readRows: number;
  readonly tableBytesAfterImport: number;
  readonly commitGrowthBytes: number;
}

const SCHEMA = `
CREATE TABLE commits (id bigint PRIMARY KEY, message text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE label_versions (
  image text NOT NULL, label text NOT NULL, content jsonb NOT NULL,
  valid_from bigint NOT NULL, valid_to bigint
);`;
const INDEXES = `
CREATE UNIQUE INDEX label_versions_current ON label_versions (image, label) WHERE valid_to IS NULL;
CREATE INDEX label_versions_from ON label_versions (valid_from);
CREATE INDEX label_versions_to ON label_versions (valid_to);
ANALYZE label_versions;`;

/** The tables, and the import's commit row (commit 1). */
export async function createTemporalTable(db: pg.Client): Promise<void> {
  await db.query(SCHEMA);
  await db.query(`INSERT INTO commits (id, message) VALUES (1, 'import')`);
}

export async function indexTemporalTable(db: pg.Client): Promise<void> {
  await db.query(INDEXES);
}

/** The labels whose version changed at `commit`: the diff of that commit, from the indexes. */
export async function diffCommit(
  db: pg.Client,
  commit: number,
): Promise<{ image: string; label: string; added: boolean }[]> {
  const r = await db.query<{ image: string; label: string; valid_from: string }>(
    'SELECT image, label, valid_from::text FROM label_versions WHERE valid_from = $1 OR valid_to = $1',
    [commit],
  );
  return r.rows.map((row) => ({
    image: row.image,
    label: row.label,
    added: Number(row.valid_from) === commit,
  }));
}

export async function runPostgresBaseline(
  options: PostgresBaselineOptions,
): Promise<PostgresBaselineResult> {
  const server = await startPostgres();
  const db = await server.connect();
  try {
    await createTemporalTable(db);
    const copy = await timeMs(() => copyLabels(db, options.labelsFile));
    const index = await timeMs(() => indexTemporalTable(db));
    const tableBytesAfterImport = await tableBytes(db);
    const ops = await readEdits(options.editsFile);
    const commit = await timeMs(() => commitEdits(db, 2, ops));
    const commitGrowthBytes = (await tableBytes(db)) - tableBytesAfterImport;
    const diff = await timeMs(async () => (await diffCommit(db, 2)).length);
    const read = await timeMs(() => readAt(db, 2));
    return {
      rows: copy.value,
      copyMs: copy.ms,
      indexMs: index.ms,
      commitMs: commit.ms,
      commitOps: ops.length,
      diffMs: diff.ms,
      diffRows: diff.value,
      readMs: read.ms,
      readRows: read.value,
      tableBytesAfterImport,
      commitGrowthBytes,
    };
  } finally {
    await db.end();
    await server.stop();
  }
}

export interface EditOp {
  readonly op: 'put' | 'delete';
  readonly image: string;
  readonly label: string;
  /** The label's JSON as written in the edits file (puts only), without `op`. */
  readonly content?: string;
}

export async function copyLabels(db: pg.Client, file: string): Promise<number> {
  let rows = 0;
  const sink = db.query(
    copyFrom(
      'COPY label_versions (image, label, content, valid_from) FROM STDIN WITH (FORMAT csv)',
    ),
  );
  async function* csv(): AsyncGenerator<string> {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let batch: string[] = [];
    for await (const line of lines) {
      if (!line) continue;
      const o = JSON.parse(line) as { image: string; label: string };
      batch.push(`${quote(o.image)},${quote(o.label)},${quote(line)},1\n`);
      rows++;
      if (batch.length === 2048) {
        yield batch.join('');
        batch = [];
      }
    }
    if (batch.length) yield batch.join('');
  }
  await pipeline(csv, sink);
  return rows;
}

export async function readEdits(file: string): Promise<EditOp[]> {
  const ops: EditOp[] = [];
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const { op, ...rest } = JSON.parse(line) as {
      op: 'put' | 'delete';
      image: string;
      label: string;
    };
    ops.push(
      op === 'put'
        ? { op, image: rest.image, label: rest.label, content: JSON.stringify(rest) }
        : { op, image: rest.image, label: rest.label },
    );
  }
  return ops;
}

/** One commit: close the edited labels' current versions, insert the puts' new versions. */
export async function commitEdits(
  db: pg.Client,
  commit: number,
  ops: readonly EditOp[],
): Promise<void> {
  const puts = ops.filter((o) => o.op === 'put');
  await db.query('BEGIN');
  try {
    await db.query('INSERT INTO commits (id, message) VALUES ($1, $2)', [commit, 'edit batch']);
    await db.query(
      `UPDATE label_versions v SET valid_to = $1
         FROM unnest($2::text[], $3::text[]) AS e(image, label)
        WHERE v.valid_to IS NULL AND v.image = e.image AND v.label = e.label`,
      [commit, ops.map((o) => o.image), ops.map((o) => o.label)],
    );
    await db.query(
      `INSERT INTO label_versions (image, label, content, valid_from)
       SELECT image, label, content, $1 FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS e(image, label, content)`,
      [commit, puts.map((o) => o.image), puts.map((o) => o.label), puts.map((o) => o.content)],
    );
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK');
    throw e;
  }
}

/** Every label valid at `commit`, streamed out as PostgreSQL writes it; returns the row count. */
export async function readAt(
  db: pg.Client,
  commit: number,
  onChunk: (chunk: Buffer) => void = () => {},
): Promise<number> {
  const source = db.query(copyTo(`COPY (${VALID_AT(commit)}) TO STDOUT`));
  let rows = 0;
  await pipeline(
    source,
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) rows++;
        onChunk(chunk);
        done();
      },
    }),
  );
  return rows;
}

const VALID_AT = (commit: number) =>
  `SELECT content FROM label_versions WHERE valid_from <= ${commit} AND (valid_to IS NULL OR valid_to > ${commit})`;

async function tableBytes(db: pg.Client): Promise<number> {
  const r = await db.query<{ bytes: string }>(
    `SELECT pg_total_relation_size('label_versions')::text AS bytes`,
  );
  return Number(r.rows[0]!.bytes);
}

function quote(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
