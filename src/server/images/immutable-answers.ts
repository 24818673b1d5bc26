/**
 * Caching headers of content-addressed answers (layer: server). A blob or a thumbnail is named
 * by the hash of what it is made from, so its bytes at a URL never change: it is cacheable
 * forever by anyone (`immutable`: a browser does not even revalidate on reload), its entity tag
 * is that hash, and a client holding it (`If-None-Match`) gets 304 without a body.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Sets the headers every answer about this content carries (200, 206, 304, 416 alike). */
export function immutableHeaders(reply: FastifyReply, etag: string): void {
  reply.header('etag', `"${etag}"`);
  reply.header('cache-control', IMMUTABLE);
  reply.header('x-content-type-options', 'nosniff');
}

/** Whether the request's `If-None-Match` names `etag` (weak or strong) or is `*`. */
export function clientHas(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === `"${etag}"`);
}
