/**
 * Full-disk classification: a full-disk code is a full disk whichever backend reports it; a
 * plain I/O error is one only when the file system is nearly full.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { asDiskFull, freeBytes, NEARLY_FULL_BYTES } from './disk-full.js';
import { DiskFullError } from './io-errors.js';

const withCode = (code: unknown) => Object.assign(new Error('write failed'), { code });

describe('asDiskFull', () => {
  it('a full-disk code is a full disk, wherever it comes from', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'SQLITE_FULL', 28]) {
      const e = asDiskFull(withCode(code), 'the chunk store x', tmpdir());
      expect(e, String(code)).toBeInstanceOf(DiskFullError);
      expect(e!.message).toBe(
        'disk full while writing the chunk store x: nothing was changed; free space and retry',
      );
      expect(e!.category).toBe('Internal');
    }
  });

  it('an I/O error is a full disk only when the file system is nearly full', () => {
    // The temp folder has room: EIO (or a failure without a code) stays what it is.
    expect(freeBytes(tmpdir())).toBeGreaterThan(NEARLY_FULL_BYTES);
    expect(asDiskFull(withCode('EIO'), 'x', tmpdir())).toBeUndefined();
    expect(asDiskFull(withCode('SQLITE_IOERR_WRITE'), 'x', tmpdir())).toBeUndefined();
    expect(asDiskFull(new Error('Commit failed'), 'x', tmpdir(), true)).toBeUndefined();
    expect(asDiskFull(withCode('EACCES'), 'x', tmpdir())).toBeUndefined();
  });
});
