/**
 * The auth matrix: every repository route the server registers, asked with no token, an unknown,
 * a revoked and an expired token, a repository the server does not serve, and each role's token. A refused request
 * (401 without or with a bad token, 403 below the route's role, 404 for a repository the server
 * does not serve) writes nothing; a token whose role suffices is never refused for its role.
 */
import { describe, expect, it } from 'vitest';
import { ROLES, roleAllows } from '../../src/server/index.js';
import { startTestServer, type TestServer } from './harness.js';

const PARAMS: Record<string, string> = {
  branch: 'main',
  ref: 'main',
  name: 'no-such-name',
  sha256: '0'.repeat(64),
  id: 'no-such-id',
  image: 'no-such-image',
};

function concrete(url: string, repo: string): string {
  return url.replace(/:([A-Za-z_0-9]+)/g, (_, p: string) =>
    p === 'repo' ? repo : (PARAMS[p] ?? 'x'),
  );
}

/** What a refused request must leave as it was: refs, each branch's history, tags. */
async function fingerprint(s: TestServer): Promise<string> {
  const refs = (await s.http('GET', s.repoPath('/refs'), { token: s.tokens.admin })).json();
  return JSON.stringify(refs.refs.map((r: { name: string; target: string }) => [r.name, r.target]));
}

describe('auth matrix over every repository route', () => {
  it('refuses what it must, with the right status, and writes nothing when it refuses', async () => {
    const s = await startTestServer({
      setup: async () => {},
    });
    const routes = s.server.app
      .servedRoutes()
      .filter((r) => r.url.startsWith('/repos/:repo') && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) expect(r.role, `${r.method} ${r.url} names its role`).toBeDefined();
    const revoked = (
      await s.http('POST', s.repoPath('/tokens'), {
        token: s.tokens.admin,
        json: { name: 'gone', role: 'admin' },
      })
    ).json().token as string;
    expect(
      (await s.http('DELETE', s.repoPath('/tokens/gone'), { token: s.tokens.admin })).status,
    ).toBe(200);
    const expiring = (
      await s.http('POST', s.repoPath('/tokens'), {
        token: s.tokens.admin,
        json: { name: 'brief', role: 'admin', expires: new Date(Date.now() + 1500).toISOString() },
      })
    ).json().token as string;
    expect((await s.http('GET', s.repoPath('/refs'), { token: expiring })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const before = await fingerprint(s);
    const send = (method: string, url: string, token?: string) =>
      s.http(method, url, {
        ...(token ? { token } : {}),
        ...(method === 'GET' || method === 'DELETE' ? {} : { json: {} }),
      });
    for (const r of routes) {
      const url = concrete(r.url, s.name);
      const what = `${r.method} ${r.url}`;
      const none = await send(r.method, url);
      expect(none.status, `${what} without a token`).toBe(401);
      expect(none.json().error.code).toBe('UNAUTHENTICATED');
      const bad = await send(r.method, url, 'verso_not_a_token');
      expect(bad.status, `${what} with an unknown token`).toBe(401);
      const gone = await send(r.method, url, revoked);
      expect([gone.status, gone.json().error.code], `${what} with a revoked token`).toEqual([
        401,
        'TOKEN_REVOKED',
      ]);
      const old = await send(r.method, url, expiring);
      expect([old.status, old.json().error.code], `${what} with an expired token`).toEqual([
        401,
        'TOKEN_EXPIRED',
      ]);
      const elsewhere = await send(r.method, concrete(r.url, 'other-repo'), s.tokens.admin);
      expect(elsewhere.status, `${what} on a repository not served`).toBe(404);
      for (const role of ROLES) {
        if (roleAllows(role, r.role!)) continue;
        const low = await send(r.method, url, s.tokens[role]);
        expect(low.status, `${what} with role ${role}`).toBe(403);
        expect(low.json().error.code).toBe('FORBIDDEN');
      }
    }
    expect(await fingerprint(s)).toBe(before);
    for (const r of routes.filter((x) => x.method === 'GET')) {
      const url = concrete(r.url, s.name);
      for (const role of ROLES) {
        if (!roleAllows(role, r.role!)) continue;
        const ok = await send(r.method, url, s.tokens[role]);
        expect([401, 403], `${r.method} ${r.url} with role ${role}`).not.toContain(ok.status);
      }
    }
  });
});
