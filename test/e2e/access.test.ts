/**
 * Tokens, the audit log and branch protection through the CLI: a token's secret is printed
 * once (text and --json) and never listed, only its hash reaches the repository's files;
 * revoke, duplicate names, bad roles (usage error, exit 2) and bad expiries; `verso audit`;
 * `branch protect|unprotect|protection`; and merges into a protected branch: a `cmd:` gate
 * that fails blocks with its output (exit 1, the branch and its ref log unchanged) and passes
 * once fixed, `schema-valid` catches labels a schema adopted on the target refuses, and
 * `merge commit` after resolved conflicts runs the gates too.
 */
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/api/access/index.js';
import { REQUIRE_CHOICES, ROLE_CHOICES } from '../../src/cli/commands/access-commands.js';
import { copyRepo, freshRepo } from './repo-copy.js';
import {
  expectFailure,
  expectOk,
  parseJsonLines,
  useTempRoot,
  writeJsonLines,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('access');
const SECRET = /^verso_[A-Za-z0-9_-]{43}$/m;

interface TokenJson {
  readonly name: string;
  readonly role: string;
  readonly identity: string;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly revoked_at?: string | null;
  readonly last_used_at?: string | null;
  readonly status?: string;
  readonly token?: string;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function script(repo: TestRepo, name: string, body: string): void {
  const file = join(repo.root, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

describe('verso token', () => {
  it("offers the api's roles, lowest first; a rule requires review or admin", () => {
    expect([...ROLE_CHOICES]).toEqual([...ROLES]);
    expect([...REQUIRE_CHOICES]).toEqual(ROLES.slice(ROLES.indexOf('review')));
  });

  it('prints a secret once, lists tokens without secrets, revokes, and stores only hashes', async () => {
    const repo = await freshRepo(tmp.dir('tokens'));
    const text = await repo.ok([
      'token',
      'create',
      '--name',
      'ci',
      '--role',
      'admin',
      '--expires',
      '30d',
    ]);
    const secret = SECRET.exec(text)![0];
    expect(text).toContain('created token ci: role admin, identity ci, expires 20');
    expect(text).toContain('not shown again');
    const made = await repo.json<TokenJson>([
      'token',
      'create',
      '--name',
      'ann',
      '--role',
      'annotate',
      '--identity',
      'Ann <ann@x.test>',
    ]);
    expect(made).toMatchObject({
      name: 'ann',
      role: 'annotate',
      identity: 'Ann <ann@x.test>',
      expires_at: null,
    });
    expect(made.token).toMatch(SECRET);
    expect(made.token).not.toBe(secret);

    const listText = await repo.ok(['token', 'list']);
    const listed = await repo.jsonLines<TokenJson>(['token', 'list']);
    for (const out of [listText, JSON.stringify(listed)]) {
      expect(out).not.toContain(secret.slice(6));
      expect(out).not.toContain(made.token!.slice(6));
    }
    expect(listed.map((t) => [t.name, t.role, t.status, t.revoked_at, t.last_used_at])).toEqual([
      ['ci', 'admin', 'active', null, null],
      ['ann', 'annotate', 'active', null, null],
    ]);
    expect(Object.keys(listed[0]!)).not.toContain('token');

    expect(await repo.ok(['token', 'revoke', 'ci'])).toMatch(/^revoked token ci \(admin, ci\) at /);
    expect((await repo.jsonLines<TokenJson>(['token', 'list'])).map((t) => t.status)).toEqual([
      'revoked',
      'active',
    ]);
    expectFailure(
      await repo.run(['token', 'revoke', 'ci']),
      1,
      "no active token named 'ci'",
      'verso token list',
    );

    for (const file of filesUnder(join(repo.root, '.verso'))) {
      const bytes = readFileSync(file);
      for (const s of [secret, made.token!])
        expect(bytes.includes(Buffer.from(s.slice(6))), file).toBe(false);
    }
  });

  it('refuses a taken name (exit 1), a bad role (usage, exit 2), bad names and expiries', async () => {
    const repo = await freshRepo(tmp.dir('refusals'));
    await repo.ok(['token', 'create', '--name', 'ci', '--role', 'read']);
    expectFailure(
      await repo.run(['token', 'create', '--name', 'ci', '--role', 'admin']),
      1,
      "an active token is already named 'ci'",
      'verso token revoke ci',
    );
    expectFailure(
      await repo.run(['token', 'create', '--name', 'x', '--role', 'owner']),
      2,
      'Allowed choices are read, annotate, review, admin',
    );
    expectFailure(await repo.run(['token', 'create', '--role', 'read']), 2, '--name');
    expectFailure(await repo.run(['token', 'create', '--name', 'x']), 2, '--role');
    expectFailure(
      await repo.run(['token', 'create', '--name', 'a b', '--role', 'read']),
      1,
      'invalid token name',
    );
    expectFailure(
      await repo.run(['token', 'create', '--name', 'x', '--role', 'read', '--expires', 'soon']),
      1,
      'invalid expiry',
      '--expires',
    );
    const r = await repo.run(['token', 'create', '--name', 'x', '--role', 'owner', '--json']);
    expect(r.code).toBe(2);
    expect((await repo.jsonLines<TokenJson>(['token', 'list'])).map((t) => t.name)).toEqual(['ci']);
  });
});

describe('verso audit', () => {
  it('lists the admin commands newest first, limited, as text and JSON Lines', async () => {
    const repo = await freshRepo(tmp.dir('audit'));
    await repo.ok(['token', 'create', '--name', 'ci', '--role', 'review']);
    await repo.ok(['branch', 'protect', 'main']);
    await repo.ok(['token', 'revoke', 'ci']);
    const entries = await repo.jsonLines<Record<string, unknown>>(['audit']);
    expect(entries.map((e) => [e['action'], e['target']])).toEqual([
      ['token revoke', 'ci'],
      ['branch protect', 'main'],
      ['token create', 'ci'],
    ]);
    expect(entries[2]).toMatchObject({
      identity: 'e2e-tester <e2e@example.test>',
      token_name: null,
      address: null,
      detail: { role: 'review', identity: 'ci', expires_at: null },
    });
    expect(Object.keys(entries[0]!).sort()).toEqual([
      'action',
      'address',
      'detail',
      'identity',
      'seq',
      'target',
      'time',
      'token_name',
    ]);
    expect((await repo.jsonLines(['audit', '--limit', '1'])).length).toBe(1);
    expect(await repo.ok(['audit', '-n', '1'])).toMatch(
      / e2e-tester <e2e@example\.test> {2}token revoke ci\n$/,
    );
    expectFailure(await repo.run(['audit', '--limit', '0']), 2);
  });
});

describe('branch protection', () => {
  let base: TestRepo;
  beforeAll(async () => {
    base = await freshRepo(tmp.dir('base'), 'base');
    const dir = tmp.dir('files');
    writeJsonLines(join(dir, 'labels.jsonl'), [
      {
        image: 'a',
        label: '1',
        category_id: 1,
        category: 'person',
        bbox: [1, 1, 5, 5],
        review: { status: 'approved' },
      },
    ]);
    await base.importLabels(join(dir, 'labels.jsonl'));
    expectOk(await base.run(['branch', 'create', 'dev']));
    writeJsonLines(join(dir, 'edit.jsonl'), [
      { op: 'put', image: 'a', label: '2', category_id: 2, category: 'boat', bbox: [2, 2, 5, 5] },
    ]);
    await base.apply(join(dir, 'edit.jsonl'), 'dev');
  });

  it('protects, lists and unprotects; refuses bad checks and roles as usage errors', async () => {
    const repo = copyRepo(base, tmp.dir('rules'));
    expect(
      await repo.ok([
        'branch',
        'protect',
        'main',
        '--check',
        'schema-valid',
        '--check',
        'cmd:./gate.sh',
      ]),
    ).toMatch(
      /^main: merges only, by role review or above; checks: schema-valid, cmd:\.\/gate\.sh \(set by e2e-tester/,
    );
    await repo.ok(['branch', 'protect', 'release', '--require', 'admin']);
    const rules = await repo.jsonLines<Record<string, unknown>>(['branch', 'protection']);
    expect(rules.map((r) => [r['branch'], r['require'], r['checks']])).toEqual([
      ['main', 'review', ['schema-valid', 'cmd:./gate.sh']],
      ['release', 'admin', []],
    ]);
    expect(Object.keys(rules[0]!).sort()).toEqual([
      'branch',
      'checks',
      'created_at',
      'created_by',
      'require',
    ]);
    expectFailure(
      await repo.run(['branch', 'protect', 'main', '--check', 'lint']),
      2,
      'expected schema-valid, no-pending-reviews or cmd:PATH',
    );
    expectFailure(
      await repo.run(['branch', 'protect', 'main', '--require', 'annotate']),
      2,
      'Allowed choices are review, admin',
    );
    expect(await repo.ok(['branch', 'unprotect', 'release'])).toBe(
      'branch release is no longer protected\n',
    );
    expectFailure(
      await repo.run(['branch', 'unprotect', 'release']),
      1,
      "branch 'release' is not protected",
      'verso branch protection',
    );
    expect(
      (await repo.jsonLines<Record<string, unknown>>(['branch', 'protection'])).map(
        (r) => r['branch'],
      ),
    ).toEqual(['main']);
    // The branch commands of ref-commands are still there.
    expect((await repo.refs('branch')).map((r) => r.name)).toEqual(['dev', 'main']);
  });

  it('a failing cmd gate blocks the merge with its output, nothing moves; fixed, the merge lands', async () => {
    const repo = copyRepo(base, tmp.dir('cmd-gate'));
    script(
      repo,
      'gate.sh',
      'echo "validating $1 of $2 on $VERSO_BRANCH"\necho "2 boxes too small" >&2\nexit 3',
    );
    await repo.ok(['branch', 'protect', 'main', '--check', 'cmd:./gate.sh']);
    const head = await repo.head('main');
    const reflog = await repo.ok(['reflog', 'main']);
    const r = await repo.run(['merge', 'dev', '--into', 'main']);
    expectFailure(
      r,
      1,
      "merge into protected branch 'main' blocked by 1 of 1 checks; nothing was changed",
      'cmd:./gate.sh: failed',
      'exit 3',
      `of ${repo.root} on main`,
      '2 boxes too small',
    );
    expect(await repo.head('main')).toBe(head);
    expect(await repo.ok(['reflog', 'main'])).toBe(reflog);

    const json = await repo.run(['merge', 'dev', '--into', 'main', '--no-ff', '--json']);
    expect(json.code).toBe(1);
    const envelope = JSON.parse(json.stdout) as {
      error: {
        code: string;
        data: { checks: { check: string; passed: boolean; output: string }[] };
      };
    };
    expect(envelope.error.code).toBe('MERGE_GATE_FAILED');
    expect(envelope.error.data.checks).toEqual([
      {
        check: 'cmd:./gate.sh',
        passed: false,
        output: expect.stringMatching(/^exit 3\nvalidating [0-9a-f]{64} of /) as string,
      },
    ]);
    expect(await repo.head('main')).toBe(head);

    script(repo, 'gate.sh', 'exit 0');
    const merged = await repo.json<{ status: string }>([
      'merge',
      'dev',
      '--into',
      'main',
      '--no-ff',
    ]);
    expect(merged.status).toBe('merged');
    expect(await repo.head('main')).not.toBe(head);
    await repo.verify();
  });

  it('schema-valid blocks a merge that brings labels the target schema refuses', async () => {
    const repo = copyRepo(base, tmp.dir('schema-gate'));
    const schema = join(repo.root, 'v1.yaml');
    writeFileSync(schema, 'classes:\n  - {id: 1, name: person}\n  - {id: 3, name: car}\n');
    await repo.ok(['schema', 'create', 'v1', '--from', schema]);
    await repo.ok(['migrate', '--branch', 'main', '--to', 'v1']);
    await repo.ok([
      'branch',
      'protect',
      'main',
      '--check',
      'schema-valid',
      '--check',
      'no-pending-reviews',
    ]);
    const head = await repo.head('main');
    expectFailure(
      await repo.run(['merge', 'dev', '--into', 'main']),
      1,
      'blocked by 1 of 2 checks',
      'schema-valid: failed',
      '1 of 2 labels invalid against schema v1',
      "a/2 field 'category_id'",
    );
    expect(await repo.head('main')).toBe(head);
  });

  it('merge commit after resolved conflicts runs the gates too', async () => {
    const repo = copyRepo(base, tmp.dir('commit-gate'));
    const dir = tmp.dir('commit-gate-files');
    writeJsonLines(join(dir, 'ours.jsonl'), [
      { op: 'put', image: 'a', label: '2', category_id: 1, category: 'person', bbox: [9, 9, 5, 5] },
    ]);
    await repo.apply(join(dir, 'ours.jsonl'), 'main');
    expectFailure(await repo.run(['merge', 'dev', '--into', 'main']), 1, 'conflict');
    await repo.ok(['merge', 'resolve', '--all', '--theirs', '--into', 'main']);
    script(repo, 'gate.sh', 'echo refused by policy\nexit 1');
    await repo.ok(['branch', 'protect', 'main', '--check', 'cmd:gate.sh']);
    const head = await repo.head('main');
    expectFailure(
      await repo.run(['merge', 'commit', '--into', 'main']),
      1,
      'cmd:gate.sh: failed',
      'refused by policy',
    );
    expect(await repo.head('main')).toBe(head);
    const status = parseJsonLines<{ undecided: number }>(
      await repo.ok(['merge', 'status', '--into', 'main', '--json']),
    );
    expect(status[0]!.undecided).toBe(0);
    await repo.ok(['branch', 'unprotect', 'main']);
    await repo.ok(['merge', 'commit', '--into', 'main']);
    expect(await repo.head('main')).not.toBe(head);
  });

  it('verso recover of a damaged catalog keeps the rules, tokens and audit log', async () => {
    const repo = copyRepo(base, tmp.dir('recover'));
    script(repo, 'gate.sh', 'echo still guarded\nexit 1');
    await repo.ok(['branch', 'protect', 'main', '--check', 'cmd:gate.sh']);
    await repo.ok(['token', 'create', '--name', 'ci', '--role', 'review']);
    const tokens = await repo.jsonLines<TokenJson>(['token', 'list']);
    const raw = new Database(join(repo.root, '.verso', 'catalog.sqlite'));
    raw.pragma('user_version = 0');
    raw.close();
    expectFailure(await repo.run(['branch', 'protection']), 1, 'verso recover');
    await repo.ok(['recover']);
    expect(
      (await repo.jsonLines<Record<string, unknown>>(['branch', 'protection'])).map(
        (r) => r['checks'],
      ),
    ).toEqual([['cmd:gate.sh']]);
    expect(await repo.jsonLines<TokenJson>(['token', 'list'])).toEqual(tokens);
    expect(
      (await repo.jsonLines<Record<string, unknown>>(['audit'])).map((e) => e['action']),
    ).toEqual(['token create', 'branch protect']);
    expectFailure(await repo.run(['merge', 'dev', '--into', 'main']), 1, 'still guarded');
  });
});
