/**
 * Who and when a commit is made (layer: api): `VERSO_AUTHOR` or the OS user name, and the
 * current time (`VERSO_COMMIT_TIME` overrides it, for reproducible scripts and tests).
 */
import { userInfo } from 'node:os';
import { InvalidArgumentError } from '../../core/errors.js';

export function currentAuthor(explicit?: string): string {
  if (explicit) return explicit;
  const env = process.env['VERSO_AUTHOR'];
  if (env) return env;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function currentTime(): string {
  const env = process.env['VERSO_COMMIT_TIME'];
  if (!env) return new Date().toISOString();
  const t = new Date(env);
  if (Number.isNaN(t.getTime()))
    throw new InvalidArgumentError('VERSO_COMMIT_TIME', env, 'expected an ISO-8601 date');
  return t.toISOString();
}
