/**
 * How the server serves the web UI (src/server/ui-routes.ts) and the session route the UI signs
 * in with (`GET /repos/:repo/whoami`): `/` and browser navigations to the UI's own paths get the
 * app's page (revalidated), hashed assets are cached forever, API paths and non-browser requests
 * keep the JSON 404; without a built UI the page says how to build it; whoami answers each
 * token's identity and role, and refuses a request without a token.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { VersoApp } from '../../src/server/index.js';
import { registerUiRoutes } from '../../src/server/ui-routes.js';
import { ROLE_NAMES, startTestServer } from '../server/harness.js';
import { requireUiPrerequisites } from './ui-harness.js';
import { REPO_ROOT } from '../e2e/helpers.js';

const empty = mkdtempSync(join(tmpdir(), 'verso-ui-none-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('serving the web UI', () => {
  it('serves the app at / and at its own paths, assets immutable, the API untouched', async () => {
    requireUiPrerequisites();
    const s = await startTestServer();
    const html = { accept: 'text/html,application/xhtml+xml' };
    const home = await fetch(`${s.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('cache-control')).toBe('no-cache');
    const page = await home.text();
    expect(page).toContain('<div id="root">');
    const deep = await fetch(`${s.url}/r/repo/gallery?ref=main`, { headers: html });
    expect([deep.status, await deep.text()]).toEqual([200, page]);

    const script = readdirSync(join(REPO_ROOT, 'dist/ui/assets')).find((n) => n.endsWith('.js'))!;
    expect(page).toContain(`/assets/${script}`);
    const asset = await fetch(`${s.url}/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Read whole: an answer left unread keeps its connection busy (a CI run's close waited on one).
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);

    // Not a browser navigation, or an API path: the API's JSON 404.
    for (const [path, headers] of [
      ['/r/repo/gallery', {}],
      ['/repos/repo/nothing', html],
      ['/openapi.json/x', html],
    ] as const) {
      const res = await fetch(`${s.url}${path}`, { headers });
      expect([
        path,
        res.status,
        ((await res.json()) as { error: { code: string } }).error.code,
      ]).toEqual([path, 404, 'ROUTE_NOT_FOUND']);
    }
  });

  it('says how to build the UI when it is not built', async () => {
    const app = Fastify() as unknown as VersoApp;
    await registerUiRoutes(app, { dir: empty });
    const res = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('npm run build');
    await app.close();
  });

  it('whoami: each token gets its identity and role; no token is refused', async () => {
    const s = await startTestServer();
    for (const role of ROLE_NAMES) {
      const res = await s.http('GET', s.repoPath('/whoami'), { token: s.tokens[role] });
      expect(res.json()).toEqual({ identity: `${role}-user`, token_name: `${role}-token`, role });
    }
    const anonymous = await s.http('GET', s.repoPath('/whoami'));
    expect([anonymous.status, anonymous.json().error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
