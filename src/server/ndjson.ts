/**
 * NDJSON in and out (layer: server). Out: an async source of records (JSON-shaped objects) or of
 * byte blocks of whole lines, sent as `application/x-ndjson` with backpressure, so a client can
 * read ten million labels without the server holding them. In: a request body read line by
 * line with a per-line limit, so a missing newline cannot grow one line without bound; each
 * line keeps its 1-based number for error messages (`request body:12`).
 */
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { FastifyReply } from 'fastify';
import { snakeCaseJson } from '../core/json-case.js';
import { HttpRefusal } from './http-errors.js';

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

/** The lines of a streamed body (without the line end; line k is the k-th yielded), each at most `maxLine` bytes. */
export async function* bodyLines(
  body: AsyncIterable<Buffer | string>,
  maxLine: number,
): AsyncGenerator<string> {
  const utf8 = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  for await (const chunk of body) {
    rest += typeof chunk === 'string' ? chunk : utf8.write(chunk);
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      line++;
      const text = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      yield text.endsWith('\r') ? text.slice(0, -1) : text;
    }
    if (rest.length > maxLine) throw lineTooLong(line + 1, maxLine);
  }
  rest += utf8.end();
  if (rest !== '') yield rest;
}

function lineTooLong(line: number, maxLine: number): HttpRefusal {
  return new HttpRefusal(
    'BODY_TOO_LARGE',
    413,
    `request body line ${line} is longer than ${maxLine} bytes (NDJSON lines are limited; split the record or check the newlines)`,
    { line, limit: maxLine },
  );
}
