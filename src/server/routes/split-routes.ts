/**
 * Splits over HTTP (layer: server): images per split at a ref (or, with `list=true`, every
 * image with its split as NDJSON), and moving images to a split on a branch (one commit,
 * authored by the caller), as `verso split show` and `verso split set`.
 */
import { Type } from 'typebox';
import { assertBranchWrite } from '../protected-writes.js';
import { scanSplits, setSplits, showSplits } from '../../api/write/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { sendRecords, started } from '../ndjson.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { AnyObject, CommitResultSchema, errors, REPO_ERRORS, RepoParams } from '../schemas.js';

export function splitRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.get(
    '/splits',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'images per split at a ref; list=true: every image with its split (NDJSON, image order)',
        tags: ['splits'],
        params: RepoParams,
        querystring: Type.Object({
          ref: Type.String({ default: 'main', minLength: 1 }),
          list: Type.Optional(Type.Boolean()),
        }),
        response: {
          200: {
            description: '{counts} (JSON) or, with list=true, {image, split} lines (NDJSON)',
            content: {
              'application/json': { schema: Type.Object({ counts: AnyObject }) },
              'application/x-ndjson': {
                schema: Type.Object({ image: Type.String(), split: Type.String() }),
              },
            },
          },
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { ref, list } = request.query;
      if (!list) return reply.type('application/json').send(await showSplits(request.repo, ref));
      const rows = scanSplits(request.repo, ref);
      // The ref is resolved before the 200 goes out, so a bad ref is a 404, not a cut stream.
      return sendRecords(reply, await started(rows));
    },
  );

  app.post(
    '/branches/:branch/splits',
    {
      config: { role: 'annotate' },
      schema: {
        summary: 'move images to a split (one commit)',
        tags: ['splits'],
        params: Type.Object({ repo: Type.String(), branch: Type.String({ minLength: 1 }) }),
        body: Type.Object({
          images: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
          split: Type.String({ minLength: 1, description: 'train, val, test, ...' }),
          message: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object(
            { ...CommitResultSchema.properties, splits: AnyObject },
            { additionalProperties: true },
          ),
          ...errors(...REPO_ERRORS, 409),
        },
      },
    },
    async (request) => {
      const { images, split, message } = request.body;
      await assertBranchWrite(request, request.params.branch);
      return snakeCaseJson(
        await setSplits(request.repo, {
          branch: request.params.branch,
          images,
          split,
          ...(message !== undefined ? { message } : {}),
        }),
      ) as never;
    },
  );
}
