/**
 * Schema files (JSON or YAML) to the schema model (layer: schema).
 *
 * A file is a mapping with `classes` (the version's full class list) and/or `ops` (alias
 * `delta`: explicit delta ops, see delta-hints.ts), and optionally `parent`, `message` and
 * `version` (must then equal the version being created); a bare list is read as `classes`.
 * JSON is read by the YAML parser too (YAML 1.2 is a superset), so every problem is reported
 * as `FILE:LINE field 'PATH': why`, the line being that of the offending node.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { FormatParseError } from '../core/errors.js';
import { SchemaInvalidError } from './schema-errors.js';
import { jsonValueProblem } from '../core/json-value-check.js';
import type { DeltaOp } from './delta-ops.js';
import { parseDeltaOps } from './delta-ops.js';
import { onlyFields, readName, readObject } from './field-readers.js';
import { parseClasses } from './taxonomy-parse.js';
import type { Taxonomy } from './taxonomy.js';

export interface SchemaFile {
  readonly version?: string;
  readonly parent?: string;
  readonly message?: string;
  readonly classes?: Taxonomy;
  readonly ops?: readonly DeltaOp[];
}

/** The parsed document plus a function that turns a SchemaInvalidError into a file:line error. */
export interface SchemaFileReader {
  readonly file: SchemaFile;
  locate(error: unknown): unknown;
}

export function readSchemaFile(text: string, fileName: string): SchemaFileReader {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError)
    throw new FormatParseError(
      fileName,
      lines.linePos(firstError.pos[0]).line,
      null,
      `not valid JSON or YAML (${yamlReason(firstError.message)})`,
    );
  const locate = (e: unknown): unknown =>
    e instanceof SchemaInvalidError ? toParseError(e, doc, lines, fileName) : e;
  try {
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    const problem = jsonValueProblem(value); // nesting, lone surrogates, infinities
    if (problem) throw new SchemaInvalidError(problem.field || '(top level)', problem.why);
    return { file: fromValue(value), locate };
  } catch (e) {
    throw locate(e);
  }
}

/** The parser's first line; its stack overflow on deep nesting said as what it is. */
export const yamlReason = (message: string): string =>
  /call stack/i.test(message) ? 'nested too deeply' : message.split('\n')[0]!;

function fromValue(v: unknown): SchemaFile {
  if (Array.isArray(v)) return { classes: parseClasses(v) };
  const o = readObject(v ?? undefined, '(top level)');
  onlyFields(o, ['version', 'parent', 'message', 'classes', 'ops', 'delta'], '(top level)');
  if (o['ops'] !== undefined && o['delta'] !== undefined)
    throw new SchemaInvalidError('delta', "give either 'ops' or 'delta', not both");
  const ops = o['ops'] ?? o['delta'];
  const opsAt = o['ops'] !== undefined ? 'ops' : 'delta';
  const text = (k: string) => (o[k] == null ? {} : { [k]: readName(o[k], k) });
  if (o['classes'] === undefined && ops === undefined)
    throw new SchemaInvalidError('classes', "missing: a schema file gives 'classes' and/or 'ops'");
  return {
    ...text('version'),
    ...text('parent'),
    ...(typeof o['message'] === 'string' ? { message: o['message'] } : {}),
    ...(o['classes'] !== undefined ? { classes: parseClasses(o['classes']) } : {}),
    ...(ops !== undefined ? { ops: parseDeltaOps(ops, opsAt) } : {}),
  };
}

/** `classes[2].attributes.color` -> ['classes', 2, 'attributes', 'color']. */
function pathOf(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

function toParseError(
  e: SchemaInvalidError,
  doc: Document,
  lines: LineCounter,
  fileName: string,
): FormatParseError {
  const { field, why } = e.data as { field: string; why: string };
  let line = 1;
  for (let path = pathOf(field); path.length > 0; path = path.slice(0, -1)) {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      line = lines.linePos(node.range[0]).line;
      break;
    }
  }
  return new FormatParseError(fileName, line, field, why);
}
