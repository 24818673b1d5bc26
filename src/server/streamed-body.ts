/**
 * The streamed body of a route that reads one (layer: server): NDJSON edits, labels and
 * predictions, octet-stream vector chunks. Another media type (a JSON body, text) is refused with 415 saying which one
 * to send, instead of reaching the handler as a parsed value.
 */
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { HttpRefusal } from './http-errors.js';

export function streamedBody(request: FastifyRequest, mediaType: string): Readable {
  const sent = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const body = request.body as { pipe?: unknown } | null | undefined;
  if (sent !== mediaType || typeof body?.pipe !== 'function')
    throw new HttpRefusal(
      'UNSUPPORTED_MEDIA_TYPE',
      415,
      `this route reads a ${mediaType} body, not ${sent === '' ? 'no content type' : sent}: send 'Content-Type: ${mediaType}'`,
      { expected: mediaType, received: sent },
    );
  return body as unknown as Readable;
}
