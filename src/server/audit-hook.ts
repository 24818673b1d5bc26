/**
 * Every write in the audit log (layer: server): after the answer to a non-GET request that
 * passed authentication, one entry: who (the token's identity and name), when, what (method and
 * route, its parameters and query), the answer's status, and from which address. Refused
 * writes (4xx after authentication) are recorded too: an admin sees attempts, not only
 * successes. Recording happens after the answer is sent, so it adds no latency; a failure to
 * record is logged, not hidden.
 */
import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../api/access/index.js';
import type { JsonValue } from '../core/canonical.js';

export async function auditWrite(request: FastifyRequest, status: number): Promise<void> {
  try {
    const { repo: _repo, ...params } = (request.params ?? {}) as Record<string, string>;
    await appendAudit(request.repo, {
      identity: request.actor.identity,
      tokenName: request.actor.tokenName,
      action: `${request.method} ${request.routeOptions.url ?? request.url}`,
      target: JSON.stringify(params),
      detail: { status, query: (request.query ?? {}) as JsonValue },
      address: request.ip,
    });
  } catch (e) {
    request.log.error({ err: e }, 'audit log: entry not recorded');
  }
}
