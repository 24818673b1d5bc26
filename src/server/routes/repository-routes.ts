/**
 * Every route under `/repos/:repo/` (layer: server), one module per feature. Streamed bodies
 * (`application/x-ndjson` uploads, `application/octet-stream` blobs) reach handlers as the raw
 * request stream, read with the upload limits of `ServerLimits`; JSON bodies are parsed by
 * Fastify within `jsonBody`.
 */
import type { RouteContext, VersoApp } from '../server-types.js';
import { historyRoutes } from './history-routes.js';
import { labelRoutes } from './label-routes.js';
import { refRoutes } from './ref-routes.js';
import { sessionRoutes } from './session-routes.js';
import { writeRoutes } from './write-routes.js';

export function registerRepositoryRoutes(app: VersoApp, ctx: RouteContext): void {
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/octet-stream'],
    (_request, payload, done) => done(null, payload),
  );
  refRoutes(app, ctx);
  historyRoutes(app, ctx);
  labelRoutes(app, ctx);
  writeRoutes(app, ctx);
  sessionRoutes(app, ctx);
}
