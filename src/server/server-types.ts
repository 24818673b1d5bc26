/**
 * The types every server module shares (layer: server): the typed Fastify instance the routes
 * register on, what a route module gets (`RouteContext`), and the request limits.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface ServerLimits {
  /** Largest JSON body, bytes. */
  readonly jsonBody: number;
  /** Largest streamed upload (NDJSON import, blobs), bytes. */
  readonly upload: number;
  /** Longest NDJSON line, bytes. */
  readonly ndjsonLine: number;
  /** Deepest JSON nesting of a body. */
  readonly jsonDepth: number;
  /** A request not received whole after this many ms is refused with 408 (0: none; Node's `requestTimeout`: it bounds the upload, not the handler). */
  readonly requestTimeoutMs: number;
  /** Requests one token may have in flight at once; more are refused with 429. */
  readonly inFlightPerToken: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  jsonBody: 16 << 20,
  upload: 8 * 2 ** 30,
  ndjsonLine: 1 << 20,
  jsonDepth: 64,
  requestTimeoutMs: 10 * 60_000,
  inFlightPerToken: 64,
};

export type VersoApp = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What every route module gets. */
export interface RouteContext {
  readonly limits: ServerLimits;
}
