/**
 * Schema versions as a graph of parent links, and which version was in force when
 * (layer: schema).
 *
 * Every version but a root names its parent; its taxonomy is its root's delta (from the empty
 * schema) followed by every delta down to it. "In force at T" is the newest version created
 * at or before T (by creation time, ties broken by creation order); a date without a time
 * means the end of that day, UTC.
 */
import { InvalidArgumentError, SchemaVersionNotFoundError } from '../core/errors.js';
import { SchemaProjectionError } from './schema-errors.js';

export interface VersionNode {
  readonly name: string;
  readonly parent: string | null;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
}

const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

export function checkVersionName(name: string): string {
  if (!VERSION_NAME.test(name) || name.includes('..'))
    throw new InvalidArgumentError(
      'schema version',
      name,
      'use letters, digits and . _ + - (like 2.3), at most 64 characters',
    );
  return name;
}

/** Root first, `name` last. */
export function chainTo<V extends VersionNode>(
  versions: ReadonlyMap<string, V>,
  name: string,
): V[] {
  const chain: V[] = [];
  for (let v = versions.get(name); v; v = v.parent === null ? undefined : versions.get(v.parent)) {
    chain.unshift(v);
    if (chain.length > versions.size) break; // parents are created before children: no cycle
  }
  if (chain.length === 0) throw new SchemaVersionNotFoundError(name);
  return chain;
}

/** The versions after `from` down to `to` (empty when equal); `to` must descend from `from`. */
export function pathBetween<V extends VersionNode>(
  versions: ReadonlyMap<string, V>,
  from: string,
  to: string,
): V[] {
  if (!versions.has(from)) throw new SchemaVersionNotFoundError(from);
  const chain = chainTo(versions, to);
  const at = chain.findIndex((v) => v.name === from);
  if (at < 0)
    throw new SchemaProjectionError(
      from,
      to,
      `${to} does not descend from ${from} (its lineage is ${chain.map((v) => v.name).join(' -> ')}); labels only move forward along parent links`,
    );
  return chain.slice(at + 1);
}

/** Milliseconds of the instant `--at` means: a date is the end of that day (UTC). */
export function parseAtInstant(text: string): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T23:59:59.999Z` : text);
  if (Number.isNaN(ms) || (!dateOnly && !/^\d{4}-\d{2}-\d{2}T/.test(text)))
    throw new InvalidArgumentError('date', text, 'expected YYYY-MM-DD or an ISO-8601 date-time');
  return ms;
}

/** The version in force at `ms`, or undefined when none had been created yet. */
export function versionAt<V extends VersionNode>(
  versions: readonly V[],
  ms: number,
): V | undefined {
  let best: V | undefined;
  let bestMs = -Infinity;
  for (const v of versions) {
    const t = Date.parse(v.createdAt);
    if (t <= ms && t >= bestMs) {
      best = v;
      bestMs = t;
    }
  }
  return best;
}
