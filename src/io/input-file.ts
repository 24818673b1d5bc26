/**
 * Checks that an input file can be read before an operation starts (layer: io), so a typo in a
 * path is a clear `InputFileError`, not a stack trace from deep inside a stream.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { InputFileError } from './io-errors.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
};

/** The file's size in bytes; throws `InputFileError` if it is not a readable regular file. */
export function checkInputFile(file: string): number {
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputFileError(file, 'is a folder, not a file');
    accessSync(file, constants.R_OK);
    return st.size;
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new InputFileError(file, REASONS[code] ?? (e as Error).message, e);
  }
}
