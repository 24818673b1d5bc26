/**
 * Every write in the audit log (layer: server): after the answer to a request of a route that
 * needs more than `read` (reads, even those sent as POST such as a fetch, are not logged), once
 * the caller is authenticated, one entry: who (the token's identity and name), when, what
 * (method and route, its parameters and query), the answer's status (`CLIENT_GONE` when the
 * client left before it), and from which address. Refused writes (a role too low, 4xx) are
 * recorded too: an admin sees attempts, not only successes. Recording happens after the answer
 * is sent, so it adds no latency; a failure to record is logged, not hidden.
 */
import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../api/access/index.js';
import type { JsonValue } from '../core/canonical.js';

/** The status recorded when the client left before the answer was sent. */
export const CLIENT_GONE = 499;

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
