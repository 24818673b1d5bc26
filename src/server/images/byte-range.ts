/**
 * HTTP Range requests on a blob (layer: server, RFC 9110 §14): what part of a `size`-byte
 * resource a `Range` header asks for.
 *
 * One range is served: `bytes=a-b` (b clipped to the last byte), `bytes=a-` (to the end),
 * `bytes=-n` (the last n bytes; the whole resource when n >= size). A range that starts past
 * the end, or a suffix of 0 bytes, is unsatisfiable (416, with a `Content-Range` that gives only the size).
 * Everything else is answered with the whole resource, as the RFC allows a server that ignores
 * a Range header: a header that is not `bytes=` or does not parse, and a multi-range request
 * (`bytes=0-1,5-6`; multipart answers buy a browser or a data loader nothing here).
 */

export type RangeAnswer =
  | { readonly kind: 'full' }
  | { readonly kind: 'partial'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

const SINGLE = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i;

/** The part of a `size`-byte resource that `header` asks for; `end` is inclusive. */
export function rangeOf(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' };
  const m = SINGLE.exec(header);
  if (!m) return { kind: 'full' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) return { kind: 'full' };
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  if (!Number.isSafeInteger(start) || end < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/** The `Content-Range` value of an answer: `bytes a-b/size`, or for a 416 the size alone. */
export function contentRange(answer: RangeAnswer, size: number): string {
  return answer.kind === 'partial'
    ? `bytes ${answer.start}-${answer.end}/${size}`
    : `bytes */${size}`;
}
