/**
 * Who the caller is (layer: server): `GET /repos/:repo/whoami` answers the identity, token name
 * and role the server gives the request's token in this repository. The web UI shows the
 * signed-in identity and hides the write controls a role may not use; any client can check a
 * token with it. Needs only `read`, so every valid token may ask.
 */
import { Type } from 'typebox';
import { ROLES, type Role } from '../request-auth.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { errors, REPO_ERRORS, RepoParams } from '../schemas.js';

export const WhoamiSchema = Type.Object({
  identity: Type.String({ description: 'the author of this token’s commits and reviews' }),
  token_name: Type.Union([Type.String(), Type.Null()], {
    description: 'null for an anonymous read',
  }),
  role: Type.Unsafe<Role>({ type: 'string', enum: [...ROLES] }),
});

export function sessionRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.get(
    '/whoami',
    {
      config: { role: 'read' },
      schema: {
        summary: 'the identity and role the server gives this request’s token here',
        tags: ['session'],
        params: RepoParams,
        response: { 200: WhoamiSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => ({
      identity: request.actor.identity,
      token_name: request.actor.tokenName,
      role: request.actor.role,
    }),
  );
}
