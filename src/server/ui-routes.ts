/**
 * The web UI's files (layer: server): the single-page application Vite builds into `dist/ui/`
 * (`npm run build`; sources in `ui/`), served at `/`.
 *
 * - `/assets/*`: the built scripts and styles. Their names carry a content hash, so they are
 *   served with `Cache-Control: public, max-age=31536000, immutable`.
 * - `/` and every other GET that a browser navigates to (its `Accept` names `text/html`) and that
 *   is no API path: `index.html`, revalidated on each load (`no-cache`), so the UI's own paths
 *   (`/r/voc/gallery?ref=main`) can be reloaded and shared. A GET that does not ask for HTML (an
 *   API client, `fetch`) or that is under an API prefix keeps the API's JSON 404
 *   (`ROUTE_NOT_FOUND`).
 * - When the UI is not built, those pages say how to build it (404, HTML).
 *
 * The routes are hidden from the OpenAPI document: they are not API.
 */
import fastifyStatic from '@fastify/static';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VersoApp } from './server-types.js';

/** Paths that belong to the API: never answered with the UI's page. */
const API_PREFIXES = ['/repos', '/openapi.json', '/health'];

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

export interface UiRoutesOptions {
  /** The built UI (default: `dist/ui` of the package this module belongs to). */
  readonly dir?: string;
}

export async function registerUiRoutes(app: VersoApp, opts: UiRoutesOptions = {}): Promise<void> {
  const dir = opts.dir ?? defaultUiDir();
  const indexFile = join(dir, 'index.html');
  const page = existsSync(indexFile) ? readFileSync(indexFile) : undefined;
  if (page && existsSync(join(dir, 'assets')))
    await app.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      index: false,
      decorateReply: false,
      schemaHide: true,
      cacheControl: false,
      setHeaders: (res) =>
        res.setHeader('cache-control', `public, max-age=${ONE_YEAR_SECONDS}, immutable`),
    });

  const sendPage = (reply: FastifyReply): FastifyReply =>
    page
      ? reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page)
      : reply.status(404).type('text/html; charset=utf-8').send(notBuiltPage(dir));

  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendPage(reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) =>
    isUiNavigation(request) ? sendPage(reply) : reply.callNotFound(),
  );
}

/** A browser loading a page of the UI: asks for HTML, at a path the API does not own. */
export function isUiNavigation(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  if (API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/** `dist/ui` beside `dist/src` (compiled) or `src` (run from source): the package root's. */
function defaultUiDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return join(dir, 'dist', 'ui');
}

function notBuiltPage(dir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Verso: the web UI is not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The web UI is not built</h1>
<p>The API is running (see <a href="/openapi.json">/openapi.json</a>), but there is no built UI in
<code>${escapeHtml(dir)}</code>.</p>
<p>Build it in the Verso checkout with <code>npm run build</code> (<code>npm install</code> runs it
too), then restart <code>verso serve</code>.</p>
</body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
