/**
 * Migration policy files (layer: schema): a JSON or YAML mapping from an op index (as
 * `verso migrate --dry-run` numbers the ops) or an op kind to `auto` or `review`, e.g.
 * `{"split_class": "auto", "4": "review"}`. The keys and values are checked against the
 * migration's steps by `resolvePolicies`.
 */
import { parse } from 'yaml';
import { FormatParseError } from '../core/errors.js';
import type { PolicyOverrides } from './migrate-label.js';
import { yamlReason } from './schema-file.js';

export function parsePolicyFile(text: string, file: string): PolicyOverrides {
  let v: unknown;
  try {
    v = parse(text, { prettyErrors: false });
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 1;
    throw new FormatParseError(
      file,
      line,
      null,
      `not valid JSON or YAML (${yamlReason((e as Error).message)})`,
    );
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new FormatParseError(
      file,
      1,
      null,
      'expected a mapping of op index or op kind to "auto" or "review"',
    );
  return v as PolicyOverrides;
}
