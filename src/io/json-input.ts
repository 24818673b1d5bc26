/**
 * A small JSON input file (metrics, a prediction vector) read whole (layer: io): a missing
 * file is an `InputFileError`, text that is not UTF-8 or not JSON, nesting deeper than
 * `MAX_NESTING` or a lone surrogate escape a `FormatParseError` naming the file.
 */
import { readFile } from 'node:fs/promises';
import { FormatParseError } from '../core/errors.js';
import { jsonErrorText, jsonValueProblem } from '../core/json-value-check.js';
import { checkInputFile } from './input-file.js';
import { decodeUtf8Text } from './text-file.js';

export async function readJsonInput(file: string): Promise<unknown> {
  checkInputFile(file);
  const text = decodeUtf8Text(await readFile(file), file);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw new FormatParseError(file, 1, null, `not JSON: ${jsonErrorText(e)}`);
  }
  const problem = jsonValueProblem(value, { strings: text.includes('\\u') });
  if (problem) throw new FormatParseError(file, 1, problem.field || null, problem.why);
  return value;
}
