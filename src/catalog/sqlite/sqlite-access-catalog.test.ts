/**
 * The SQLite access section beyond the contract: the database itself refuses raw SQL that
 * rewrites a token's identity fields, un-revokes or deletes a token, or touches the audit log;
 * a catalog made before the access tables gets them on open; and a damaged catalog's tokens,
 * rules and audit entries are salvaged for `verso recover`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteCatalog } from './sqlite-catalog.js';
import { MIGRATIONS } from './sqlite-catalog-schema.js';
import { salvageCatalog } from './sqlite-catalog-salvage.js';

const T0 = '2026-01-01T00:00:00.000Z';
const HASH = 'ab'.repeat(32);
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'verso-access-sqlite-'));
  file = join(dir, 'catalog.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function filled(): Promise<void> {
  const c = SqliteCatalog.open(file);
  await c.access.insertToken({
    name: 'ci',
    role: 'admin',
    identity: 'ci-bot',
    hash: HASH,
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
  });
  await c.access.appendAudit({
    time: T0,
    identity: 'ada',
    tokenName: null,
    action: 'token create',
    target: 'ci',
    detail: null,
    address: null,
  });
  await c.access.putBranchProtection({
    branch: 'main',
    require: 'review',
    checks: ['schema-valid'],
    createdAt: T0,
    createdBy: 'ada',
  });
  await c.close();
}

describe('SqliteAccessCatalog in the database', () => {
  it('refuses raw SQL that rewrites tokens or the audit log', async () => {
    await filled();
    const db = new Database(file);
    try {
      const refused = [
        "UPDATE tokens SET role = 'admin', identity = 'someone else'",
        "UPDATE tokens SET hash = 'x'",
        "UPDATE tokens SET expires_at = '2099-01-01T00:00:00.000Z'",
        'DELETE FROM tokens',
        "UPDATE audit_log SET identity = 'nobody'",
        'DELETE FROM audit_log',
      ];
      for (const sql of refused) expect(() => db.exec(sql), sql).toThrow(/immutable|append-only/);
      // Allowed: revoking once and stamping the last use; un-revoking is refused.
      db.exec(`UPDATE tokens SET last_used_at = '${T0}'`);
      db.exec(`UPDATE tokens SET revoked_at = '${T0}'`);
      expect(() => db.exec('UPDATE tokens SET revoked_at = NULL')).toThrow(/immutable/);
    } finally {
      db.close();
    }
  });

  it('adds the access tables to a catalog made before them', async () => {
    const step = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE tokens'));
    const old = new Database(file);
    for (const m of MIGRATIONS.slice(0, step)) old.exec(m);
    old.pragma(`user_version = ${step}`);
    old.close();
    expect(salvageCatalog(file)).toMatchObject({ tokens: [], protections: [], unreadable: [] });
    const c = SqliteCatalog.open(file, { create: false });
    expect(await c.access.listTokens()).toEqual([]);
    expect(await c.access.listBranchProtections()).toEqual([]);
    await c.close();
  });

  it('salvages tokens, rules and audit entries from a catalog it refuses', async () => {
    await filled();
    const raw = new Database(file);
    raw.pragma('user_version = 0');
    raw.close();
    const s = salvageCatalog(file);
    expect(s.tokens.map((t) => [t.name, t.hash, t.identity])).toEqual([['ci', HASH, 'ci-bot']]);
    expect(s.protections.map((p) => [p.branch, p.checks])).toEqual([['main', ['schema-valid']]]);
    expect(s.audit.map((e) => e.action)).toEqual(['token create']);
    expect(s.unreadable).toEqual([]);
  });
});
