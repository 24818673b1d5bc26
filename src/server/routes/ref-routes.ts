/**
 * Branches and tags over HTTP (layer: server): list, create, delete. Creating a branch needs
 * `annotate`, a tag `review` (a tag is a release others train on), deleting a branch `admin`.
 */
import { Type } from 'typebox';
import { assertBranchWrite } from '../protected-writes.js';
import { createBranch, createTag, deleteBranch, listRefs } from '../../api/repository/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { BODY_ERRORS, errors, Hash, RefSchema, REPO_ERRORS, RepoParams } from '../schemas.js';

const Created = Type.Object({ name: Type.String(), target: Hash });

export function refRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.get(
    '/refs',
    {
      config: { role: 'read' },
      schema: {
        summary: 'branches and tags with the commit each points at',
        tags: ['refs'],
        params: RepoParams,
        querystring: Type.Object({
          kind: Type.Optional(Type.Union([Type.Literal('branch'), Type.Literal('tag')])),
        }),
        response: {
          200: Type.Object({ refs: Type.Array(RefSchema) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const kinds = request.query.kind ? [request.query.kind] : (['branch', 'tag'] as const);
      const refs = [];
      for (const kind of kinds) refs.push(...(await listRefs(request.repo, kind)));
      return { refs: snakeCaseJson(refs) as never };
    },
  );

  app.post(
    '/branches',
    {
      config: { role: 'annotate' },
      schema: {
        summary: 'create a branch at a ref or commit',
        tags: ['refs'],
        params: RepoParams,
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 255 }),
          from: Type.Optional(Type.String({ minLength: 1, default: 'main' })),
        }),
        response: { 201: Created, ...errors(...REPO_ERRORS, ...BODY_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const created = await createBranch(
        request.repo,
        request.body.name,
        request.body.from ?? 'main',
      );
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/branches/:name',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'delete a branch (recorded in the ref log)',
        tags: ['refs'],
        params: Type.Object({ repo: Type.String(), name: Type.String() }),
        querystring: Type.Object({ force: Type.Optional(Type.Boolean()) }),
        response: {
          200: Type.Object({}, { additionalProperties: true }),
          ...errors(...REPO_ERRORS, 409),
        },
      },
    },
    async (request) => {
      const branch = request.params.name;
      await assertBranchWrite(request, branch, 'delete');
      return snakeCaseJson(
        await deleteBranch(request.repo, branch, { force: !!request.query.force }),
      ) as Record<string, unknown>;
    },
  );

  app.post(
    '/tags',
    {
      config: { role: 'review' },
      schema: {
        summary: 'create a tag (tags never move)',
        tags: ['refs'],
        params: RepoParams,
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 255 }),
          ref: Type.String({ minLength: 1 }),
        }),
        response: { 201: Created, ...errors(...REPO_ERRORS, ...BODY_ERRORS, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createTag(request.repo, request.body.name, request.body.ref)),
  );
}
