/**
 * The OpenAPI document is the contract the web UI and the Python client are written against:
 * every route the server registers is in it (with its method), errors share one named schema,
 * and the checker every server test runs on its answers (`openapi-check.ts`) does refuse an
 * answer that breaks the document.
 */
import { describe, expect, it } from 'vitest';
import { OpenApiCheck } from './openapi-check.js';
import { startTestServer } from './harness.js';

describe('/openapi.json', () => {
  it('documents every route the server registers', async () => {
    const s = await startTestServer();
    const doc = (await s.http('GET', '/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const documented = s.server.app
      .servedRoutes()
      .filter((r) => r.documented && r.method !== 'HEAD');
    expect(documented.length).toBeGreaterThan(10);
    const missing = documented.filter((r) => {
      const path = r.url.replace(/:([A-Za-z_0-9]+)/g, '{$1}');
      return !doc.paths[path]?.[r.method.toLowerCase()];
    });
    expect(missing).toEqual([]);
    expect(doc.components.schemas.Error).toBeDefined();
  });

  it('refuses answers that break it: unknown route, unlisted status, wrong body', async () => {
    const s = await startTestServer();
    const check = new OpenApiCheck((await s.http('GET', '/openapi.json')).json());
    const count = s.repoPath('/count');
    const good = JSON.stringify({ commit: 'a'.repeat(64), labels: 3 });
    expect(check.check('GET', count, 200, 'application/json', good)).toEqual([]);
    expect(check.check('GET', count, 200, 'application/json', '{"commit":"x"}')).not.toEqual([]);
    expect(check.check('GET', count, 418, 'application/json', good)).not.toEqual([]);
    expect(check.check('GET', '/repos/r/nothing', 200, 'application/json', good)).not.toEqual([]);
    const log = s.repoPath('/log');
    expect(check.check('GET', log, 200, 'application/x-ndjson', '{"id":1}\n')).not.toEqual([]);
  });
});
