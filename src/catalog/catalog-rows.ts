/**
 * Rows of the catalog's core tables and their mapping to catalog records (layer: catalog). The
 * SQL backends (`sqlite/`, `postgres/`) name their columns alike, so both read rows of these
 * shapes and map them here.
 */
import type { ChunkHash } from '../core/hash.js';
import type {
  LeaseKind,
  LeaseRecord,
  PendingMergeRecord,
  RefKind,
  RefRecord,
  SchemaVersionRecord,
} from './catalog.js';

export interface RefRow {
  readonly name: string;
  readonly kind: RefKind;
  readonly target: string;
  readonly updated_at: string;
}
export interface CommitRow {
  readonly id: string;
  readonly snapshot: string;
  readonly parents: string;
  readonly generation: number;
  readonly time: string;
}
export interface PendingMergeRow {
  readonly branch: string;
  readonly version: number;
  readonly state: string;
  readonly updated_at: string;
}
export interface SchemaVersionRow {
  readonly name: string;
  readonly parent: string | null;
  readonly delta: string;
  readonly author: string;
  readonly created_at: string;
  readonly message: string;
}
export interface LeaseRow {
  readonly id: number;
  readonly kind: LeaseKind;
  readonly pid: number;
  readonly host: string;
  readonly acquired_at: string;
}

export const HEX_PREFIX = /^[0-9a-f]*$/;

/** The least string greater than every string starting with `hexPrefix` (non-empty, [0-9a-f]). */
export function successor(hexPrefix: string): string {
  const last = hexPrefix.charCodeAt(hexPrefix.length - 1);
  return hexPrefix.slice(0, -1) + String.fromCharCode(last + 1);
}

export function toRef(row: RefRow): RefRecord {
  return {
    name: row.name,
    kind: row.kind,
    target: row.target as ChunkHash,
    updatedAt: row.updated_at,
  };
}

export function toSchemaVersion(row: SchemaVersionRow): SchemaVersionRecord {
  const { name, parent, delta, author, message } = row;
  return { name, parent, delta, author, createdAt: row.created_at, message };
}

export function toLease(row: LeaseRow): LeaseRecord {
  return { id: row.id, kind: row.kind, pid: row.pid, host: row.host, acquiredAt: row.acquired_at };
}

export function toPendingMerge(row: PendingMergeRow): PendingMergeRecord {
  return { branch: row.branch, version: row.version, state: row.state, updatedAt: row.updated_at };
}
