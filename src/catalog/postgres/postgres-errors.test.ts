/**
 * PostgreSQL failures as Verso errors (`postgres-errors.ts`), without a server: which driver
 * errors count as a lost connection or a lost serialization race, what each becomes, and that
 * no message or data ever carries the connection's password.
 */
import { describe, expect, it } from 'vitest';
import { isVersoError } from '../../core/errors.js';
import { RepositoryBusyError } from '../catalog-errors.js';
import {
  describeServer,
  isConnectionError,
  isSerializationFailure,
  mapPostgresError,
} from './postgres-errors.js';

const at = describeServer('postgres://alice:p%40ss-w0rd@db.example:6543/labels', 'repo_a');
const pgError = (code: string, message = `failed with ${code}`) =>
  Object.assign(new Error(message), { code });

describe('postgres errors', () => {
  it('reads host, port, database and schema from the connection string', () => {
    expect(at).toMatchObject({ host: 'db.example', port: '6543', database: 'labels' });
    expect(describeServer('postgres://u@h/d', 's')).toMatchObject({
      port: '5432',
      secrets: [],
    });
    const bad = (() => {
      try {
        describeServer('not a url p@ss', 's');
      } catch (error) {
        return error;
      }
    })();
    expect(isVersoError(bad) && bad.code).toBe('CATALOG_URL_INVALID');
    expect((bad as Error).message).not.toContain('p@ss');
  });

  it('tells lost connections and serialization failures from refused statements', () => {
    expect(isConnectionError(pgError('ECONNREFUSED'))).toBe(true);
    expect(isConnectionError(pgError('57P01'))).toBe(true);
    expect(isConnectionError(pgError('08006'))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(pgError('23505'))).toBe(false);
    expect(isSerializationFailure(pgError('40001'))).toBe(true);
    expect(isSerializationFailure(pgError('40P01'))).toBe(true);
    expect(isSerializationFailure(pgError('23505'))).toBe(false);
  });

  it('maps each failure to a Verso error naming the server and never the password', () => {
    const cases: [unknown, boolean, string][] = [
      [pgError('ECONNREFUSED', 'connect ECONNREFUSED p@ss-w0rd'), false, 'CATALOG_UNAVAILABLE'],
      [pgError('57P01', 'terminating connection'), true, 'CATALOG_WRITE_UNKNOWN'],
      [pgError('40001'), false, 'REPOSITORY_BUSY'],
      [pgError('28P01', 'password authentication failed for p@ss-w0rd'), false, 'CATALOG_AUTH'],
      [pgError('3D000'), false, 'CATALOG_DATABASE_NOT_FOUND'],
      [pgError('XX000', 'internal p@ss-w0rd'), false, 'CATALOG_IO'],
      [pgError('XX000', 'internal p%40ss-w0rd'), false, 'CATALOG_IO'],
    ];
    for (const [error, sent, code] of cases) {
      const mapped = mapPostgresError(error, at, 'updateRef', sent);
      expect(isVersoError(mapped) && mapped.code).toBe(code);
      const text = `${(mapped as Error).message} ${JSON.stringify((mapped as { data: unknown }).data)}`;
      expect(text).toContain('db.example:6543/labels');
      expect(text).not.toContain('p@ss-w0rd');
      expect(text).not.toContain('p%40ss-w0rd');
    }
    expect(mapPostgresError(pgError('40P01'), at, 'x')).toBeInstanceOf(RepositoryBusyError);
  });

  it('passes Verso errors through unchanged', () => {
    const busy = new RepositoryBusyError('held');
    expect(mapPostgresError(busy, at, 'x')).toBe(busy);
  });
});
