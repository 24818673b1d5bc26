/**
 * Access over HTTP (layer: server): who the caller is (`/whoami`), and for admins the
 * repository's tokens (create — the secret is in this answer only —, list, revoke), the audit
 * log, and branch protection rules. Gate commands (`cmd:PATH` checks) run programs on the
 * server's machine, so they are set only with the CLI there, never over HTTP.
 */
import { Type } from 'typebox';
import {
  createToken,
  listBranchProtections,
  listTokens,
  protectBranch,
  readAudit,
  revokeToken,
  unprotectBranch,
} from '../../api/access/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { HttpRefusal } from '../http-errors.js';
import { setMediaCookie } from '../media-cookie.js';
import { bearerSecret } from '../request-auth.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import {
  AnyObject,
  BODY_ERRORS,
  BranchParams,
  errors,
  REPO_ERRORS,
  RepoParams,
} from '../schemas.js';

const RoleSchema = Type.Union([
  Type.Literal('read'),
  Type.Literal('annotate'),
  Type.Literal('review'),
  Type.Literal('admin'),
]);
const TokenInfo = Type.Object({
  name: Type.String(),
  role: RoleSchema,
  identity: Type.String(),
  created_at: Type.String(),
  expires_at: Type.Union([Type.String(), Type.Null()]),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
});
const Protection = Type.Object({
  branch: Type.String(),
  require: RoleSchema,
  checks: Type.Array(Type.String()),
  created_at: Type.String(),
  created_by: Type.String(),
});
const NameParams = Type.Object({ repo: Type.String(), name: Type.String({ minLength: 1 }) });

/** An answer without a body. */
const NoContent = { description: 'done', type: 'null' };

export function accessRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.get(
    '/whoami',
    {
      config: { role: 'read' },
      schema: {
        summary: "the caller: the token's identity, name and role",
        tags: ['access'],
        params: RepoParams,
        response: {
          200: Type.Object({
            identity: Type.String(),
            token_name: Type.Union([Type.String(), Type.Null()]),
            role: RoleSchema,
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => snakeCaseJson(request.actor) as never,
  );

  app.post(
    '/media-session',
    {
      config: { role: 'read' },
      schema: {
        summary:
          "sets the media cookie: an HttpOnly, SameSite=Strict cookie holding the caller's bearer token, sent by the browser only with this repository's GET /blobs/{sha256} and thumbnail reads, which accept it in place of the header (so a web page can show images with <img src>)",
        tags: ['access'],
        params: RepoParams,
        response: { 204: NoContent, ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) => {
      // The header's token only: a media cookie cannot make another one.
      const secret = bearerSecret(request);
      if (secret !== undefined) setMediaCookie(request, reply, request.repoName, secret);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/media-session',
    {
      config: { role: 'read' },
      schema: {
        summary: 'clears the media cookie (signing out)',
        tags: ['access'],
        params: RepoParams,
        response: { 204: NoContent, ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) => {
      setMediaCookie(request, reply, request.repoName, undefined);
      return reply.status(204).send();
    },
  );

  app.post(
    '/tokens',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'create a token (its secret is in this answer only)',
        tags: ['access'],
        params: RepoParams,
        body: Type.Object({
          name: Type.String({ minLength: 1 }),
          role: RoleSchema,
          identity: Type.Optional(Type.String({ minLength: 1 })),
          expires: Type.Optional(
            Type.String({ description: 'a duration (30d, 12h), an ISO-8601 instant, or never' }),
          ),
        }),
        response: {
          201: Type.Object({
            name: Type.String(),
            role: RoleSchema,
            identity: Type.String(),
            created_at: Type.String(),
            expires_at: Type.Union([Type.String(), Type.Null()]),
            token: Type.String(),
          }),
          ...errors(...REPO_ERRORS, ...BODY_ERRORS, 409),
        },
      },
    },
    async (request, reply) => {
      const { name, role, identity, expires } = request.body;
      const created = await createToken(request.repo, {
        name,
        role,
        ...(identity !== undefined ? { identity } : {}),
        ...(expires !== undefined ? { expires } : {}),
      });
      return reply.status(201).send(snakeCaseJson(created) as never);
    },
  );

  app.get(
    '/tokens',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'the tokens of this repository (never their secrets)',
        tags: ['access'],
        params: RepoParams,
        response: {
          200: Type.Object({ tokens: Type.Array(TokenInfo) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => ({ tokens: snakeCaseJson(await listTokens(request.repo)) as never }),
  );

  app.delete(
    '/tokens/:name',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'revoke a token (it stops working at once)',
        tags: ['access'],
        params: NameParams,
        response: { 200: TokenInfo, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => snakeCaseJson(await revokeToken(request.repo, request.params.name)) as never,
  );

  app.get(
    '/audit',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'the audit log, newest first: who wrote what, when, with which token, from where',
        tags: ['access'],
        params: RepoParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
          since: Type.Optional(Type.String()),
          identity: Type.Optional(Type.String()),
        }),
        response: {
          200: Type.Object({ entries: Type.Array(AnyObject) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const { limit, since, identity } = request.query;
      const entries = await readAudit(request.repo, { limit: limit ?? 100, since, identity });
      return { entries: snakeCaseJson(entries) as never };
    },
  );

  app.get(
    '/protection',
    {
      config: { role: 'read' },
      schema: {
        summary: 'branch protection rules',
        tags: ['access'],
        params: RepoParams,
        response: {
          200: Type.Object({ rules: Type.Array(Protection) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => ({
      rules: snakeCaseJson(await listBranchProtections(request.repo)) as never,
    }),
  );

  app.put(
    '/branches/:branch/protection',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'protect a branch: merges only from the required role, after its checks pass',
        tags: ['access'],
        params: BranchParams,
        body: Type.Object({
          require: Type.Optional(Type.Union([Type.Literal('review'), Type.Literal('admin')])),
          checks: Type.Optional(Type.Array(Type.String())),
        }),
        response: { 200: Protection, ...errors(...REPO_ERRORS, ...BODY_ERRORS) },
      },
    },
    async (request) => {
      const checks = request.body.checks ?? [];
      const command = checks.find((c) => c.startsWith('cmd:'));
      if (command)
        throw new HttpRefusal(
          'FORBIDDEN',
          403,
          `check '${command}' runs a program on the server: only the server's own command line sets it`,
          { check: command },
        );
      return snakeCaseJson(
        await protectBranch(request.repo, {
          branch: request.params.branch,
          require: request.body.require,
          checks,
          by: request.actor.identity,
        }),
      ) as never;
    },
  );

  app.delete(
    '/branches/:branch/protection',
    {
      config: { role: 'admin' },
      schema: {
        summary: "remove a branch's protection",
        tags: ['access'],
        params: BranchParams,
        response: { 200: Protection, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) =>
      snakeCaseJson(await unprotectBranch(request.repo, request.params.branch)) as never,
  );
}
