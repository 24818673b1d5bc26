/**
 * Leases on PostgreSQL (layer: catalog), for `PostgresCatalog`: writer leases shared, gc
 * exclusive, and expiry that survives a dead server.
 *
 * - A lease row carries `expires_at = now() + ttl` (database clock). The catalog that acquired
 *   it renews every lease it holds by a heartbeat (an unref'd timer, every ttl/3: one UPDATE for
 *   all of them). A server that dies stops renewing, so its leases expire after at most one TTL;
 *   no pid is checked across hosts.
 * - `acquireLease` is a SERIALIZABLE transaction (rerun on serialization failure by
 *   `PgDatabase.transaction`): read every lease, drop the expired ones and those the caller's
 *   `isStale` judges dead, refuse if a live one blocks (`RepositoryBusyError`), insert. Two
 *   servers racing for gc cannot both see an empty table and both insert: PostgreSQL's SSI
 *   aborts one, and its rerun sees the winner's lease.
 * - `releaseLease` deletes the row and stops renewing it; `stop` (on close) stops the heartbeat
 *   without releasing (a closed or crashed holder's leases then expire).
 */
import { RepositoryBusyError } from '../catalog-errors.js';
import type { LeaseHolder, LeaseKind, LeaseRecord } from '../leases-catalog.js';
import { NOW_ISO, isoOf, type PgDatabase } from './postgres-pool.js';

interface LeaseRow {
  readonly id: string;
  readonly kind: LeaseKind;
  readonly pid: number;
  readonly host: string;
  readonly acquired_at: string;
  readonly expires_at: string;
  readonly expired: boolean;
}

const SELECT_LEASES = `SELECT id, kind, pid, host, acquired_at, ${isoOf('expires_at')} AS expires_at,
  expires_at <= now() AS expired FROM leases ORDER BY id`;

export class PostgresLeases {
  private readonly held = new Set<number>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private renewing = false;

  constructor(
    private readonly db: PgDatabase,
    private readonly ttlMs: number,
  ) {}

  async acquire(
    kind: LeaseKind,
    holder: LeaseHolder,
    isStale: (lease: LeaseRecord) => boolean,
  ): Promise<number> {
    const id = await this.db.transaction(
      'acquireLease',
      async (client) => {
        const rows = (await client.query<LeaseRow>(SELECT_LEASES)).rows;
        const live: LeaseRecord[] = [];
        const dead: number[] = [];
        for (const row of rows) {
          const lease = toLease(row);
          if (row.expired || isStale(lease)) dead.push(lease.id);
          else live.push(lease);
        }
        if (dead.length > 0) await client.query('DELETE FROM leases WHERE id = ANY($1)', [dead]);
        const blockers = kind === 'gc' ? live : live.filter((lease) => lease.kind === 'gc');
        if (blockers.length > 0) throw busy(kind, blockers);
        const inserted = await client.query<{ id: string }>(
          `INSERT INTO leases (kind, pid, host, acquired_at, expires_at)
           VALUES ($1, $2, $3, ${NOW_ISO}, now() + $4 * interval '1 millisecond') RETURNING id`,
          [kind, holder.pid, holder.host, this.ttlMs],
        );
        return Number(inserted.rows[0]!.id);
      },
      { serializable: true },
    );
    this.held.add(id);
    this.startHeartbeat();
    return id;
  }

  async release(id: number): Promise<void> {
    this.held.delete(id);
    await this.db.write(
      'releaseLease',
      { name: 'verso_release_lease', text: 'DELETE FROM leases WHERE id = $1', values: [id] },
      { idempotent: true },
    );
  }

  /** Stops renewing (close): the leases still held expire one TTL after the last renewal. */
  stop(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.held.clear();
  }

  private startHeartbeat(): void {
    if (this.heartbeat !== undefined) return;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(10, this.ttlMs / 3));
    this.heartbeat.unref();
  }

  /** One UPDATE for every lease held; a failed renewal is retried at the next beat. */
  private async renew(): Promise<void> {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = true;
    try {
      await this.db.write(
        'renewLeases',
        {
          name: 'verso_renew_leases',
          text: `UPDATE leases SET expires_at = now() + $2 * interval '1 millisecond' WHERE id = ANY($1)`,
          values: [[...this.held], this.ttlMs],
        },
        { idempotent: true },
      );
    } catch {
      // The next beat tries again; a lease not renewed within its TTL expires, as it must.
    } finally {
      this.renewing = false;
    }
  }
}

function toLease(row: LeaseRow): LeaseRecord {
  return {
    id: Number(row.id),
    kind: row.kind,
    pid: row.pid,
    host: row.host,
    acquiredAt: row.acquired_at,
    expiresAt: row.expires_at,
  };
}

function busy(kind: LeaseKind, blockers: readonly LeaseRecord[]): RepositoryBusyError {
  const held = blockers.map(
    (lease) =>
      `${lease.kind} (pid ${lease.pid} on ${lease.host} since ${lease.acquiredAt}, expires ${lease.expiresAt})`,
  );
  const action = kind === 'gc' ? 'garbage collection' : 'this write';
  return new RepositoryBusyError(
    `repository is busy, ${action} must wait: held by ${held.join(', ')}`,
    { requested: kind, holders: blockers },
  );
}
