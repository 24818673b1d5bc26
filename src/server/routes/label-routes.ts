/**
 * Labels over HTTP (layer: server): every label at a ref as NDJSON (the native interchange, as
 * `verso cat`; optionally filtered by the `--where` language and read as another schema
 * version), and counts.
 */
import { Type } from 'typebox';
import { catLabelBlocks, countLabels } from '../../api/read/index.js';
import { sendBlocks, started } from '../ndjson.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { errors, Hash, ndjson, REPO_ERRORS, RepoParams, RefQuery } from '../schemas.js';

export function labelRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.get(
    '/labels',
    {
      config: { role: 'read' },
      schema: {
        summary: 'labels at a ref in key order (NDJSON, the native interchange: one label a line)',
        tags: ['labels'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          where: Type.Optional(
            Type.String({
              description: 'a filter expression (the filter language, docs/formats.md)',
            }),
          ),
          schema: Type.Optional(
            Type.String({ description: 'read the labels as this schema version' }),
          ),
        }),
        response: { 200: ndjson('labels'), ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) => {
      const { where, schema } = request.query;
      const ref = request.query.ref ?? 'main';
      const blocks = catLabelBlocks(request.repo, ref, {
        ...(where !== undefined ? { where } : {}),
        ...(schema !== undefined ? { schema } : {}),
      });
      // The ref, schema and filter are checked before the first block: errors are statuses.
      return sendBlocks(reply, await started(blocks));
    },
  );

  app.get(
    '/count',
    {
      config: { role: 'read' },
      schema: {
        summary: 'number of labels at a ref, or of those matching a filter',
        tags: ['labels'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          where: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({
            commit: Hash,
            where: Type.Optional(Type.String()),
            labels: Type.Integer(),
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => countLabels(request.repo, request.query.ref ?? 'main', request.query.where),
  );
}
