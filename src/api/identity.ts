/**
 * Who and when a commit is made (layer: api): `VERSO_AUTHOR` or the OS user name, and the
 * current time (`VERSO_COMMIT_TIME` overrides it, for reproducible scripts and tests).
 */
import { userInfo } from 'node:os';

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
  return env ? new Date(env).toISOString() : new Date().toISOString();
}
