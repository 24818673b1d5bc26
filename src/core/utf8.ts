/**
 * UTF-8 decoding of short byte ranges (layer: core). Ids and names are mostly short ASCII;
 * building those strings directly avoids a Buffer per string on hot read paths.
 */
export function decodeUtf8(b: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80)
        return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
      s += String.fromCharCode(c);
    }
    return s;
  }
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
}
