/**
 * Ids of lineage records (layer: influence): `<kind>-<hex>`, the first hex digits of the SHA-256
 * of the record's defining fields (JSON array of strings). Deterministic and random-free: the
 * same fields always give the same id, so a retried insert is recognised as a duplicate.
 * Runs and models take 12 hex digits, predictions 16 (there are many more of them).
 */
import { sha256Hex } from '../core/hash.js';

export type LineageKind = 'run' | 'model' | 'pred' | 'pset';

const HEX_DIGITS: Readonly<Record<LineageKind, number>> = {
  run: 12,
  model: 12,
  pred: 16,
  pset: 16,
};
const encoder = new TextEncoder();

export function lineageId(kind: LineageKind, fields: readonly string[]): string {
  return `${kind}-${sha256Hex(encoder.encode(JSON.stringify(fields))).slice(0, HEX_DIGITS[kind])}`;
}
