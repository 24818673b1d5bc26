/**
 * The audit log (layer: api): every write, who made it (identity and token name), what, to
 * what, when and from which address. Append-only: entries are never changed or removed
 * (`access-catalog.ts`; the SQLite backend refuses UPDATE and DELETE in the database).
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { AuditEntry } from '../../catalog/access-catalog.js';
import type { JsonValue } from '../../core/canonical.js';
import type { Repository } from '../repository/repository.js';

export interface AuditRecord {
  readonly identity: string;
  /** The token of the request; null (or absent) for the local CLI. */
  readonly tokenName?: string | null | undefined;
  readonly action: string;
  readonly target: string;
  /** Particulars, stored as JSON text. */
  readonly detail?: JsonValue | undefined;
  /** The client's address; null (or absent) for the local CLI. */
  readonly address?: string | null | undefined;
  /** Default: the repository clock's now. */
  readonly time?: Date | undefined;
}

/** One audit entry as read: `detail` parsed back from its JSON text. */
export interface AuditView extends Omit<AuditEntry, 'detail'> {
  readonly detail: JsonValue | null;
}

export interface ReadAuditOptions {
  readonly limit?: number | undefined;
  /** Only entries at or after this instant (ISO-8601 text or a Date). */
  readonly since?: string | Date | undefined;
  readonly identity?: string | undefined;
}

/** Appends one entry; returns its sequence number. */
export async function appendAudit(repo: Repository, r: AuditRecord): Promise<number> {
  return repo.catalog.access.appendAudit({
    time: (r.time ?? repo.clock.now()).toISOString(),
    identity: r.identity,
    tokenName: r.tokenName ?? null,
    action: r.action,
    target: r.target,
    detail: r.detail === undefined ? null : JSON.stringify(r.detail),
    address: r.address ?? null,
  });
}

/** Entries newest first, at most `limit`, optionally since an instant and of one identity. */
export async function readAudit(
  repo: Repository,
  opts: ReadAuditOptions = {},
): Promise<AuditView[]> {
  if (opts.limit !== undefined && (!Number.isSafeInteger(opts.limit) || opts.limit < 1))
    throw new InvalidArgumentError('limit', opts.limit, 'expected a positive integer', {
      option: 'limit',
    });
  const entries = await repo.catalog.access.readAudit({
    limit: opts.limit,
    since: opts.since === undefined ? undefined : instant(opts.since),
    identity: opts.identity,
  });
  return entries.map((e) => ({
    ...e,
    detail: e.detail === null ? null : (JSON.parse(e.detail) as JsonValue),
  }));
}

function instant(since: string | Date): string {
  const ms = since instanceof Date ? since.getTime() : Date.parse(since);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError('instant', String(since), 'expected an ISO-8601 instant', {
      option: 'since',
    });
  return new Date(ms).toISOString();
}
