/**
 * A schema version on the wire of the sync protocol (layer: api): the registry record with
 * snake_case members, as `GET/POST /repos/R/sync/schemas` carry it, and the two conversions the
 * server's routes and the HTTP client share.
 */
import type { SchemaVersionRecord } from '../../catalog/catalog.js';

export interface WireSchemaVersion {
  readonly name: string;
  readonly parent: string | null;
  readonly delta: string;
  readonly author: string;
  readonly created_at: string;
  readonly message: string;
}

export function toWireSchemaVersion(v: SchemaVersionRecord): WireSchemaVersion {
  return {
    name: v.name,
    parent: v.parent,
    delta: v.delta,
    author: v.author,
    created_at: v.createdAt,
    message: v.message,
  };
}

export function fromWireSchemaVersion(v: WireSchemaVersion): SchemaVersionRecord {
  return {
    name: v.name,
    parent: v.parent,
    delta: v.delta,
    author: v.author,
    createdAt: v.created_at,
    message: v.message,
  };
}
