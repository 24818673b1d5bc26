/**
 * Positioned reads that fill a whole buffer (layer: io): `readSync` may return fewer bytes than
 * asked; this loops until the buffer is full, and a file that ends first is an error.
 */
import { readSync } from 'node:fs';

/** Fills `into` from byte `position` of `fd`; throws `Error(why)` when the file is shorter. */
export function readFully(fd: number, into: Uint8Array, position: number): void {
  for (let at = 0; at < into.length;) {
    const n = readSync(fd, into, at, into.length - at, position + at);
    if (n === 0) throw new Error(`truncated: the file ends at byte ${position + at}`);
    at += n;
  }
}
