/**
 * Every route under `/repos/:repo/` (layer: server), one module per feature. Streamed bodies
 * (`application/x-ndjson` uploads, `application/octet-stream` blobs) reach handlers as the raw
 * request stream, read with the upload limits of `ServerLimits`; JSON bodies are parsed by
 * Fastify within `jsonBody`.
 */
import type { RouteContext, VersoApp } from '../server-types.js';
import { accessRoutes } from './access-routes.js';
import { annotatorRoutes } from './annotator-routes.js';
import { registerOperations } from '../operations/operation-routes.js';
import { exportRoutes } from './export-routes.js';
import { historyRoutes } from './history-routes.js';
import { imageRoutes } from './image-routes.js';
import { labelRoutes } from './label-routes.js';
import { maintenanceRoutes } from './maintenance-routes.js';
import { mergeRoutes } from './merge-routes.js';
import { lineageRoutes } from './lineage-routes.js';
import { refRoutes } from './ref-routes.js';
import { schemaRoutes } from './schema-routes.js';
import { splitRoutes } from './split-routes.js';
import { syncRoutes } from './sync-routes.js';
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
  annotatorRoutes(app, ctx);
  accessRoutes(app, ctx);
  imageRoutes(app, ctx);
  const operations = registerOperations(app, ctx);
  mergeRoutes(app, ctx, operations);
  schemaRoutes(app, ctx);
  maintenanceRoutes(app, ctx, operations);
  exportRoutes(app, ctx, operations);
  splitRoutes(app, ctx);
  lineageRoutes(app, ctx);
  syncRoutes(app, ctx);
}
