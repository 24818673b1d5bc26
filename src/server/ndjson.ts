/**
 * NDJSON out (layer: server): an async source of records (JSON-shaped objects) or of byte
 * blocks of whole lines, sent as `application/x-ndjson` with backpressure, so a client can read
 * ten million labels without the server holding them. (NDJSON in: `upload.ts`.)
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { snakeCaseJson } from '../core/json-case.js';

export const NDJSON = 'application/x-ndjson';

/** Sends records as NDJSON, one snake_case JSON object a line. */
export function sendRecords(reply: FastifyReply, records: AsyncIterable<unknown>): FastifyReply {
  return sendBlocks(
    reply,
    (async function* () {
      let block = '';
      for await (const r of records) {
        block += `${JSON.stringify(snakeCaseJson(r))}\n`;
        if (block.length >= 1 << 16) {
          yield Buffer.from(block);
          block = '';
        }
      }
      if (block) yield Buffer.from(block);
    })(),
  );
}

/** Sends byte blocks that are whole NDJSON lines already (`cat`'s rendering). */
export function sendBlocks(reply: FastifyReply, blocks: AsyncIterable<Uint8Array>): FastifyReply {
  return reply.type(NDJSON).send(Readable.from(blocks, { objectMode: false }));
}

/**
 * `source` with its first item already read: a bad ref, filter or schema fails here, before the
 * 200 and its headers are sent, so it is answered with its status instead of a cut stream.
 */
export async function started<T>(source: AsyncIterator<T>): Promise<AsyncIterable<T>> {
  const first = await source.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
  })();
}
