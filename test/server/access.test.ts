/**
 * Access over HTTP: tokens created by an admin work at once and show their secret once; the
 * audit log records every write with the caller, the route, the status and the address; a
 * protected branch takes no direct commit below admin and its rule is visible to readers; gate
 * commands cannot be set over HTTP.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from './harness.js';

const LINE = '{"image":"a.jpg","label":"1","category":"car","bbox":[1,1,2,2]}\n';

describe('server: access', () => {
  it('creates a token that works at once, lists it without its secret, and revokes it', async () => {
    const s = await startTestServer();
    const created = await s.http('POST', s.repoPath('/tokens'), {
      token: s.tokens.admin,
      json: { name: 'labeler', role: 'annotate', identity: 'alice' },
    });
    expect(created.status).toBe(201);
    const secret = created.json().token as string;
    const me = await s.http('GET', s.repoPath('/whoami'), { token: secret });
    expect(me.json()).toEqual({ identity: 'alice', token_name: 'labeler', role: 'annotate' });
    const list = await s.http('GET', s.repoPath('/tokens'), { token: s.tokens.admin });
    expect(list.text).not.toContain(secret);
    expect(list.json().tokens.map((t: { name: string }) => t.name)).toContain('labeler');
    const dup = await s.http('POST', s.repoPath('/tokens'), {
      token: s.tokens.admin,
      json: { name: 'labeler', role: 'read' },
    });
    expect(dup.status).toBe(409);
    const byAnnotator = await s.http('POST', s.repoPath('/tokens'), {
      token: secret,
      json: { name: 'mine', role: 'admin' },
    });
    expect(byAnnotator.status).toBe(403);
    await s.http('DELETE', s.repoPath('/tokens/labeler'), { token: s.tokens.admin });
    const after = await s.http('GET', s.repoPath('/whoami'), { token: secret });
    expect([after.status, after.json().error.code]).toEqual([401, 'TOKEN_REVOKED']);
  });

  it('records every write in the audit log: who, token, route, status, address', async () => {
    const s = await startTestServer();
    await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.annotate,
      body: LINE,
    });
    await s.http('POST', s.repoPath('/branches'), {
      token: s.tokens.annotate,
      json: { name: 'exists-not', from: 'nowhere' },
    });
    await s.http('GET', s.repoPath('/log'), { token: s.tokens.read });
    const audit = (await s.http('GET', s.repoPath('/audit'), { token: s.tokens.admin })).json();
    const entries = audit.entries as {
      identity: string;
      token_name: string;
      action: string;
      target: string;
      detail: { status: number };
      address: string;
    }[];
    const writes = entries.filter((e) => e.token_name === 'annotate-token');
    expect(writes.map((e) => [e.action, e.detail.status])).toEqual([
      ['POST /repos/:repo/branches', 404],
      ['POST /repos/:repo/branches/:branch/import', 200],
    ]);
    expect(writes[1]).toMatchObject({ identity: 'annotate-user', address: '127.0.0.1' });
    expect(JSON.parse(writes[1]!.target)).toEqual({ branch: 'main' });
    expect(entries.some((e) => e.action.startsWith('GET'))).toBe(false);
    const denied = await s.http('GET', s.repoPath('/audit'), { token: s.tokens.review });
    expect(denied.status).toBe(403);
  });

  it('refuses direct commits to a protected branch below admin, and gate commands over HTTP', async () => {
    const s = await startTestServer();
    const rule = await s.http('PUT', s.repoPath('/branches/main/protection'), {
      token: s.tokens.admin,
      json: { require: 'review', checks: ['schema-valid'] },
    });
    expect(rule.status).toBe(200);
    const shown = await s.http('GET', s.repoPath('/protection'), { token: s.tokens.read });
    expect(shown.json().rules).toMatchObject([
      { branch: 'main', require: 'review', checks: ['schema-valid'], created_by: 'admin-user' },
    ]);
    for (const role of ['annotate', 'review'] as const) {
      const refused = await s.http('POST', s.repoPath('/branches/main/import'), {
        token: s.tokens[role],
        body: LINE,
      });
      expect([refused.status, refused.json().error.code]).toEqual([403, 'BRANCH_PROTECTED']);
    }
    const cmd = await s.http('PUT', s.repoPath('/branches/main/protection'), {
      token: s.tokens.admin,
      json: { checks: ['cmd:./evil.sh'] },
    });
    expect(cmd.status).toBe(403);
    const deleteMain = await s.http('DELETE', s.repoPath('/branches/main'), {
      token: s.tokens.review,
    });
    expect(deleteMain.status).toBe(403);
    const log = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines();
    expect(log).toHaveLength(1);
    const byAdmin = await s.http('POST', s.repoPath('/branches/main/import'), {
      token: s.tokens.admin,
      body: LINE,
    });
    expect(byAdmin.status).toBe(200);
  });
});

describe('server: merges into a protected branch', () => {
  it('need the rule role, run its gates on the candidate, and move nothing when a gate fails', async () => {
    const s = await startTestServer();
    await s.http('POST', s.repoPath('/branches'), {
      token: s.tokens.annotate,
      json: { name: 'work', from: 'main' },
    });
    const pending = JSON.stringify({
      image: 'a.jpg',
      label: '1',
      category: 'car',
      bbox: [1, 1, 2, 2],
      review: { status: 'pending', reviewer: 'admin-user' },
    });
    expect(
      (
        await s.http('POST', s.repoPath('/branches/work/import'), {
          token: s.tokens.admin,
          body: `${pending}\n`,
        })
      ).status,
    ).toBe(200);
    await s.http('PUT', s.repoPath('/branches/main/protection'), {
      token: s.tokens.admin,
      json: { require: 'review', checks: ['no-pending-reviews'] },
    });
    const head = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines()[0].id;
    const byAnnotator = await s.http('POST', s.repoPath('/merges'), {
      token: s.tokens.annotate,
      json: { from: 'work', into: 'main' },
    });
    expect([byAnnotator.status, byAnnotator.json().error.code]).toEqual([403, 'BRANCH_PROTECTED']);
    const gated = await s.http('POST', s.repoPath('/merges'), {
      token: s.tokens.review,
      json: { from: 'work', into: 'main' },
    });
    expect([gated.status, gated.json().error.code]).toEqual([409, 'MERGE_GATE_FAILED']);
    expect(JSON.stringify(gated.json().error.data)).toContain('no-pending-reviews');
    const still = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines()[0].id;
    expect(still).toBe(head);
    await s.http('POST', s.repoPath('/branches/work/apply'), {
      token: s.tokens.review,
      body: `${JSON.stringify({ op: 'patch', image: 'a.jpg', label: '1', review: { status: 'approved' } })}\n`,
    });
    const merged = await s.http('POST', s.repoPath('/merges'), {
      token: s.tokens.review,
      json: { from: 'work', into: 'main' },
    });
    expect(merged.status).toBe(200);
    const log = (await s.http('GET', s.repoPath('/log'), { token: s.tokens.read })).lines();
    expect(log[0].id).not.toBe(head);
  });
});
