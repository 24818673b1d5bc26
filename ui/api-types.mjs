/**
 * Regenerates `ui/src/api/openapi.d.ts`, the API client's types, from the OpenAPI document of
 * the server as built in `dist/` (`npm run build` first): `npm run ui:api-types`. The document is
 * the one `GET /openapi.json` serves; no server listens, the application is built in process
 * over an empty root folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stdout } from 'node:process';
import { URL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const { buildServer, RepositoryHost } = await import('../dist/src/server/index.js');
const root = mkdtempSync(join(tmpdir(), 'verso-openapi-'));
const app = await buildServer({
  host: new RepositoryHost({ root }),
  checkToken: async () => {
    throw new Error('no requests are made');
  },
});
await app.ready();
const doc = app.swagger();
await app.close();
rmSync(root, { recursive: true, force: true });
const ast = await openapiTS(doc);
const header =
  "/**\n * The API client types (layer: ui), generated from the server's OpenAPI document by\n * `npm run ui:api-types` (ui/api-types.mjs). Do not edit: regenerate.\n */\n";
writeFileSync(new URL('./src/api/openapi.d.ts', import.meta.url), header + astToString(ast));
stdout.write('wrote ui/src/api/openapi.d.ts\n');
