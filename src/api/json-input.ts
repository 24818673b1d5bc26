/**
 * A small JSON input file (metrics, a prediction vector) read whole (layer: api): a missing
 * file is an `InputFileError`, bad JSON a `FormatParseError` naming the file.
 */
import { readFile } from 'node:fs/promises';
import { FormatParseError } from '../core/errors.js';
import { checkInputFile } from '../io/input-file.js';

export async function readJsonInput(file: string): Promise<unknown> {
  checkInputFile(file);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (e) {
    throw new FormatParseError(file, 1, null, `not JSON: ${(e as Error).message}`);
  }
}
