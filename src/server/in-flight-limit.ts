/**
 * Back-pressure per caller (layer: server): a token may have at most `limit` requests in flight;
 * one more is refused with 429 `RATE_LIMITED` (retry after the others finish) instead of queueing
 * without bound, so one runaway client cannot starve the others. Anonymous readers share one
 * budget. A request counts from authentication to its response (or its aborted connection).
 */
import type { FastifyRequest } from 'fastify';
import { HttpRefusal } from './http-errors.js';
import type { Actor } from './request-auth.js';

const COUNTED = Symbol('verso.inFlight');

export class InFlightLimit {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  enter(request: FastifyRequest, actor: Actor): void {
    const key = actor.tokenName ?? '';
    const n = this.counts.get(key) ?? 0;
    if (n >= this.limit)
      throw new HttpRefusal(
        'RATE_LIMITED',
        429,
        `token '${actor.tokenName ?? 'anonymous'}' has ${n} requests in flight (the limit): retry when they finish`,
        { limit: this.limit },
      );
    this.counts.set(key, n + 1);
    (request as unknown as Record<symbol, string>)[COUNTED] = key;
  }

  leave(request: FastifyRequest): void {
    const key = (request as unknown as Record<symbol, string | undefined>)[COUNTED];
    if (key === undefined) return;
    delete (request as unknown as Record<symbol, string | undefined>)[COUNTED];
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}
