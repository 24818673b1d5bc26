/**
 * api/access on a real embedded repository: tokens (secret shape, shown once, stored only as a
 * hash: the catalog's bytes never hold it), authentication (unknown, malformed, revoked and
 * expired tokens each refused with their own code; a fast-check model over creates, revokes
 * and time), the throttled last-use stamp, roles, expiry parsing, the audit log, the
 * protected-write decision table, and the merge gates (each check, a command's arguments,
 * environment, bounded output and timeout, and a merge that a gate blocks leaves the branch
 * where it was).
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from '../../catalog/testing.js';
import { isVersoError, type VersoError } from '../../core/errors.js';
import type { ChunkHash } from '../../core/hash.js';
import { importLabels } from '../ingest/import-labels.js';
import { merge } from '../merge/merge.js';
import { openRepository } from '../repository/compose.js';
import type { Clock } from '../repository/identity.js';
import { initRepository } from '../repository/init-repository.js';
import { createBranch } from '../repository/refs.js';
import type { Repository } from '../repository/repository.js';
import { applyEdits } from '../write/apply-edits.js';
import { branchHead } from '../write/branch-head.js';
import {
  appendAudit,
  authenticateToken,
  checkProtectedWrite,
  createToken,
  listTokens,
  parseRole,
  protectBranch,
  protectedMergeGate,
  readAudit,
  revokeToken,
  roleAllows,
  ROLES,
  runMergeGates,
  unprotectBranch,
  type Role,
} from './index.js';
import { MAX_OUTPUT_BYTES } from './gate-command.js';
import { expiryFrom } from './token-expiry.js';

const START = Date.parse('2026-03-01T00:00:00.000Z');
let dir: string;
let repo: Repository;
let nowMs: number;

const clock: Clock = { now: () => new Date(nowMs), queryNow: () => nowMs };

beforeEach(async () => {
  nowMs = START;
  dir = mkdtempSync(join(tmpdir(), 'verso-access-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'), { clock, identity: { author: 'local-admin' } });
});
afterEach(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const e = await rejection(promise);
  expect(isVersoError(e), String(e)).toBe(true);
  return (e as VersoError).code;
}

function writeFile(name: string, text: string, mode?: number): string {
  const file = join(dir, 'repo', name);
  writeFileSync(file, text);
  if (mode !== undefined) chmodSync(file, mode);
  return file;
}

const DAY = 86_400_000;

describe('tokens', () => {
  it('makes 256-bit secrets with a prefix, shown once and stored only as a hash', async () => {
    const a = await createToken(repo, { name: 'ci', role: 'admin', expires: '30d' });
    const b = await createToken(repo, { name: 'ann', role: 'annotate', identity: 'Ann' });
    expect(a.token).toMatch(/^verso_[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a).toMatchObject({ name: 'ci', role: 'admin', identity: 'ci' });
    expect(a.expiresAt).toBe(new Date(START + 30 * DAY).toISOString());
    expect(b.expiresAt).toBeNull();
    const listed = await listTokens(repo);
    expect(listed.map((t) => [t.name, t.identity, t.status])).toEqual([
      ['ci', 'ci', 'active'],
      ['ann', 'Ann', 'active'],
    ]);
    expect(JSON.stringify(listed)).not.toContain(a.token.slice('verso_'.length));
    await repo.close();
    // Neither the secret nor its base64url body is anywhere in the catalog's files (WAL too).
    const verso = join(dir, 'repo', '.verso');
    for (const f of readdirSync(verso).filter((n) => n.startsWith('catalog.sqlite'))) {
      const bytes = readFileSync(join(verso, f));
      for (const t of [a.token, b.token]) {
        expect(bytes.includes(Buffer.from(t.slice('verso_'.length)))).toBe(false);
      }
    }
    repo = await openRepository(join(dir, 'repo'), { clock });
    expect((await authenticateToken(repo, a.token)).tokenName).toBe('ci');
  });

  it('refuses bad names, identities and expiries before storing anything', async () => {
    expect(await codeOf(createToken(repo, { name: '../x', role: 'read' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(createToken(repo, { name: 'x', role: 'boss' as Role }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(createToken(repo, { name: 'x', role: 'read', identity: 'a\nb' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(createToken(repo, { name: 'x', role: 'read', expires: '3 days' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      await codeOf(createToken(repo, { name: 'x', role: 'read', expires: '2020-01-01' })),
    ).toBe('INVALID_ARGUMENT');
    expect(await listTokens(repo)).toEqual([]);
  });

  it('keeps names unique among active tokens; revoke frees the name', async () => {
    await createToken(repo, { name: 'ci', role: 'read' });
    expect(await codeOf(createToken(repo, { name: 'ci', role: 'admin' }))).toBe('TOKEN_NAME_TAKEN');
    const revoked = await revokeToken(repo, 'ci');
    expect(revoked.status).toBe('revoked');
    expect(await codeOf(revokeToken(repo, 'ci'))).toBe('TOKEN_NOT_FOUND');
    await createToken(repo, { name: 'ci', role: 'admin' });
    expect((await listTokens(repo)).map((t) => t.status)).toEqual(['revoked', 'active']);
  });
});

describe('authenticateToken', () => {
  it('gives name, identity and role; refuses unknown, malformed, revoked and expired tokens by code', async () => {
    const t = await createToken(repo, {
      name: 'ci',
      role: 'review',
      identity: 'CI bot',
      expires: '1h',
    });
    expect(await authenticateToken(repo, t.token)).toEqual({
      tokenName: 'ci',
      identity: 'CI bot',
      role: 'review',
    });
    const unknown = `verso_${'A'.repeat(43)}`;
    expect(await codeOf(authenticateToken(repo, unknown))).toBe('TOKEN_UNKNOWN');
    expect(await codeOf(authenticateToken(repo, `Bearer ${t.token}`))).toBe('TOKEN_UNKNOWN');
    expect(await codeOf(authenticateToken(repo, ''))).toBe('TOKEN_UNKNOWN');
    expect(await codeOf(authenticateToken(repo, t.token, new Date(START + 3_600_000)))).toBe(
      'TOKEN_EXPIRED',
    );
    await revokeToken(repo, 'ci');
    expect(await codeOf(authenticateToken(repo, t.token))).toBe('TOKEN_REVOKED');
  });

  it('stamps the last use at most once a minute', async () => {
    const t = await createToken(repo, { name: 'ci', role: 'read' });
    const lastUsed = async () => (await listTokens(repo))[0]!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await authenticateToken(repo, t.token);
    expect(await lastUsed()).toBe(new Date(START).toISOString());
    nowMs = START + 30_000;
    await authenticateToken(repo, t.token);
    expect(await lastUsed()).toBe(new Date(START).toISOString());
    nowMs = START + 61_000;
    await authenticateToken(repo, t.token);
    expect(await lastUsed()).toBe(new Date(START + 61_000).toISOString());
  });

  it('never lets a revoked or expired token in, whatever the sequence (model)', async () => {
    let run = 0;
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('create' as const),
        name: fc.constantFrom('a', 'b'),
        hours: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
      }),
      fc.record({ kind: fc.constant('revoke' as const), name: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const prefix = `p${run++}-`;
        const made: { token: string; expires: number; revoked: boolean; name: string }[] = [];
        for (const s of steps) {
          if (s.kind === 'wait') nowMs += s.hours * 3_600_000;
          else if (s.kind === 'create') {
            const holder = made.find((m) => m.name === s.name && !m.revoked && m.expires > nowMs);
            const r = await createToken(repo, {
              name: prefix + s.name,
              role: 'read',
              expires: s.hours === null ? null : `${s.hours}h`,
            }).catch((e: unknown) => e);
            if (holder) expect((r as VersoError).code).toBe('TOKEN_NAME_TAKEN');
            else {
              for (const m of made) if (m.name === s.name) m.revoked = true;
              const c = r as { token: string };
              made.push({
                name: s.name,
                token: c.token,
                expires: s.hours === null ? Infinity : nowMs + s.hours * 3_600_000,
                revoked: false,
              });
            }
          } else {
            const live = made.find((m) => m.name === s.name && !m.revoked);
            const r = await revokeToken(repo, prefix + s.name).catch((e: unknown) => e);
            if (live) live.revoked = true;
            else expect((r as VersoError).code).toBe('TOKEN_NOT_FOUND');
          }
          for (const m of made) {
            const got = await authenticateToken(repo, m.token).catch((e: unknown) => e);
            const want = m.revoked ? 'TOKEN_REVOKED' : m.expires <= nowMs ? 'TOKEN_EXPIRED' : 'ok';
            expect(isVersoError(got) ? got.code : 'ok').toBe(want);
          }
        }
      }),
      { numRuns: 25, seed: 1313 },
    );
  });
});

describe('roles and expiry', () => {
  it('orders roles totally: a role allows exactly itself and the ones below', () => {
    ROLES.forEach((have, i) =>
      ROLES.forEach((need, j) => expect(roleAllows(have, need)).toBe(i >= j)),
    );
    expect(parseRole('review')).toBe('review');
    expect(() => parseRole('owner')).toThrow(/expected one of read, annotate, review, admin/);
  });

  it('reads durations, instants and never', () => {
    const now = new Date(START);
    expect(expiryFrom('12h', now)).toBe(new Date(START + 12 * 3_600_000).toISOString());
    expect(expiryFrom('2w', now)).toBe(new Date(START + 14 * DAY).toISOString());
    expect(expiryFrom('2027-01-01T00:00:00Z', now)).toBe('2027-01-01T00:00:00.000Z');
    expect(expiryFrom('never', now)).toBeNull();
    expect(expiryFrom(undefined, now)).toBeNull();
    expect(() => expiryFrom('0d', now)).toThrow(/not in the future/);
    expect(() => expiryFrom('soon', now)).toThrow(/expected a duration/);
    expect(() => expiryFrom('999999w', now)).toThrow(/past the year 9999/);
  });
});

describe('audit log', () => {
  it('appends entries and reads them newest first, with their JSON detail', async () => {
    await appendAudit(repo, {
      identity: 'ann',
      tokenName: 'a1',
      action: 'apply',
      target: 'dev',
      address: '10.1.2.3',
      detail: { labels: 3 },
    });
    nowMs += 1000;
    await appendAudit(repo, { identity: 'bob', action: 'merge', target: 'main' });
    const all = await readAudit(repo);
    expect(
      all.map((e) => [e.identity, e.tokenName, e.action, e.target, e.address, e.detail]),
    ).toEqual([
      ['bob', null, 'merge', 'main', null, null],
      ['ann', 'a1', 'apply', 'dev', '10.1.2.3', { labels: 3 }],
    ]);
    expect((await readAudit(repo, { limit: 1 })).map((e) => e.identity)).toEqual(['bob']);
    expect((await readAudit(repo, { identity: 'ann' })).length).toBe(1);
    expect((await readAudit(repo, { since: new Date(START + 500) })).length).toBe(1);
    expect(await codeOf(readAudit(repo, { limit: 0 }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(readAudit(repo, { since: 'yesterday' }))).toBe('INVALID_ARGUMENT');
  });
});

describe('checkProtectedWrite', () => {
  it('lets a protected branch move only by merges of the required role (commits and deletes: admin)', async () => {
    await protectBranch(repo, { branch: 'main' });
    await protectBranch(repo, { branch: 'prod', require: 'admin' });
    const allowed = async (branch: string, role: Role, kind: 'commit' | 'merge' | 'delete') =>
      (await checkProtectedWrite(repo, { branch, role, kind })).allowed;
    const table: [string, Role, 'commit' | 'merge' | 'delete', boolean][] = [
      ['dev', 'read', 'commit', false],
      ['dev', 'annotate', 'commit', true],
      ['dev', 'annotate', 'merge', true],
      ['dev', 'review', 'delete', false],
      ['dev', 'admin', 'delete', true],
      ['main', 'annotate', 'merge', false],
      ['main', 'review', 'merge', true],
      ['main', 'review', 'commit', false],
      ['main', 'admin', 'commit', true],
      ['prod', 'review', 'merge', false],
      ['prod', 'admin', 'merge', true],
    ];
    for (const [branch, role, kind, want] of table)
      expect(await allowed(branch, role, kind), `${role} ${kind} ${branch}`).toBe(want);
    const refused = await checkProtectedWrite(repo, {
      branch: 'main',
      role: 'review',
      kind: 'commit',
    });
    expect(refused).toMatchObject({ allowed: false, need: 'admin' });
    await unprotectBranch(repo, 'main');
    expect(await allowed('main', 'annotate', 'commit')).toBe(true);
    expect(await codeOf(unprotectBranch(repo, 'main'))).toBe('BRANCH_NOT_PROTECTED');
  });

  it('refuses rules with an unknown check or a require below review', async () => {
    expect(await codeOf(protectBranch(repo, { branch: 'main', checks: ['lint'] }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      await codeOf(protectBranch(repo, { branch: 'main', require: 'annotate' as 'review' })),
    ).toBe('BRANCH_PROTECTED');
    expect(await codeOf(protectBranch(repo, { branch: 'a..b' }))).toBe('INVALID_ARGUMENT');
  });
});

describe('merge gates', () => {
  async function snapshotOf(branch: string): Promise<ChunkHash> {
    return (await repo.catalog.getCommit((await branchHead(repo, branch)).head))!.snapshot;
  }

  /** main with one approved label; dev adds one whose review is pending. */
  async function twoBranches(): Promise<void> {
    const base = writeFile(
      'base.jsonl',
      JSON.stringify({
        image: 'i',
        label: '1',
        category: 'car',
        bbox: [1, 1, 2, 2],
        review: { status: 'approved' },
      }) + '\n',
    );
    await importLabels(repo, { file: base, branch: 'main' });
    await createBranch(repo, 'dev');
    const edit = writeFile(
      'edit.jsonl',
      JSON.stringify({
        op: 'put',
        image: 'i',
        label: '2',
        category: 'car',
        bbox: [3, 3, 2, 2],
        review: { status: 'pending' },
      }) + '\n',
    );
    await applyEdits(repo, { file: edit, branch: 'dev' });
  }

  it('passes with no checks on an unprotected branch', async () => {
    await twoBranches();
    const snapshot = await snapshotOf('dev');
    expect(
      await runMergeGates(repo, {
        branch: 'main',
        candidateSnapshot: snapshot,
        repositoryUrl: 'u',
      }),
    ).toEqual({ branch: 'main', protected: false, passed: true, checks: [] });
  });

  it('runs every check, reports each, and passes a command its arguments and environment', async () => {
    await twoBranches();
    writeFile(
      'gate.sh',
      '#!/bin/sh\necho "args=$1,$2 snap=$VERSO_SNAPSHOT repo=$VERSO_REPOSITORY branch=$VERSO_BRANCH"\necho oops >&2\nexit 4\n',
      0o755,
    );
    await protectBranch(repo, {
      branch: 'main',
      checks: ['schema-valid', 'no-pending-reviews', 'cmd:gate.sh'],
    });
    const snapshot = await snapshotOf('dev');
    const report = await runMergeGates(repo, {
      branch: 'main',
      candidateSnapshot: snapshot,
      repositoryUrl: 'http://h/r',
    });
    expect(report.passed).toBe(false);
    expect(report.checks.map((c) => [c.check, c.passed])).toEqual([
      ['schema-valid', true],
      ['no-pending-reviews', false],
      ['cmd:gate.sh', false],
    ]);
    expect(report.checks[1]!.output).toContain('i/2: pending');
    expect(report.checks[2]!.output).toBe(
      `exit 4\nargs=${snapshot},http://h/r snap=${snapshot} repo=http://h/r branch=main\noops\n`,
    );
  });

  it('bounds a command: its output is cut, a slow one is killed, a missing one fails', async () => {
    await twoBranches();
    writeFile(
      'loud.sh',
      `#!/bin/sh\nhead -c ${4 * MAX_OUTPUT_BYTES} /dev/zero | tr '\\0' x\nexit 1\n`,
      0o755,
    );
    writeFile('slow.sh', '#!/bin/sh\nsleep 20\n', 0o755);
    writeFile('ok.sh', '#!/bin/sh\necho fine\n', 0o755);
    await protectBranch(repo, {
      branch: 'main',
      checks: ['cmd:loud.sh', 'cmd:slow.sh', 'cmd:missing.sh', 'cmd:ok.sh'],
    });
    const snapshot = await snapshotOf('dev');
    const t0 = Date.now();
    const report = await runMergeGates(repo, {
      branch: 'main',
      candidateSnapshot: snapshot,
      repositoryUrl: 'u',
      timeoutMs: 300,
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
    const [loud, slow, missing, ok] = report.checks;
    expect(loud!.passed).toBe(false);
    expect(loud!.output.length).toBeLessThan(MAX_OUTPUT_BYTES + 100);
    expect(loud!.output).toContain(`[output cut at ${MAX_OUTPUT_BYTES} bytes]`);
    expect(slow).toMatchObject({ passed: false, output: 'timed out after 300 ms' });
    expect(missing!.passed).toBe(false);
    expect(missing!.output).toMatch(/cannot run .*missing\.sh: ENOENT/);
    expect(ok).toEqual({ check: 'cmd:ok.sh', passed: true, output: 'fine\n' });
  });

  it('a failed gate blocks a merge (fast-forward or merge commit) and nothing moves', async () => {
    await twoBranches();
    writeFile('seen.sh', '#!/bin/sh\necho "commit $VERSO_COMMIT"\nexit 1\n', 0o755);
    await protectBranch(repo, { branch: 'main', checks: ['cmd:seen.sh'] });
    const gate = protectedMergeGate(repo, 'main', { repositoryUrl: repo.root });
    const before = (await branchHead(repo, 'main')).head;
    const ff = await rejection(merge(repo, { source: 'dev', into: 'main', gate }));
    expect((ff as VersoError).code).toBe('MERGE_GATE_FAILED');
    expect((await branchHead(repo, 'main')).head).toBe(before);
    const devHead = (await branchHead(repo, 'dev')).head;
    expect((ff as VersoError).message).toContain(`commit ${devHead}`);

    const blocked = await rejection(
      merge(repo, { source: 'dev', into: 'main', gate, noFastForward: true }),
    );
    expect((blocked as VersoError).code).toBe('MERGE_GATE_FAILED');
    const checks = (blocked as VersoError).data['checks'] as { output: string }[];
    const candidate = /commit ([0-9a-f]{64})/.exec(checks[0]!.output)![1]!;
    // The candidate was written and indexed (the command could read it), the branch never moved.
    expect(await repo.catalog.getCommit(candidate as ChunkHash)).toBeDefined();
    expect((await branchHead(repo, 'main')).head).toBe(before);
    expect(await repo.catalog.getPendingMerge('main')).toBeUndefined();

    writeFile('seen.sh', '#!/bin/sh\nexit 0\n', 0o755);
    const done = await merge(repo, { source: 'dev', into: 'main', gate, noFastForward: true });
    expect(done.status).toBe('merged');
    expect((await branchHead(repo, 'main')).head).not.toBe(before);
  });
});
