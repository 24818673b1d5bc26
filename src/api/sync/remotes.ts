/**
 * Remotes of a repository (layer: api): names for the URLs of other repositories, kept in the
 * catalog config as one JSON document (key `remotes`: `{"origin": {"url": "..."}}`), and the
 * remote-tracking branches a fetch writes (`REMOTE/BRANCH`, ordinary branches in the catalog, so
 * gc keeps what they reach, verify checks it and `merge`/`log`/`diff` take them).
 *
 * A remote name is letters, digits and `._-` (no `/`: it is the first part of its tracking
 * branches' names). URLs are `http://` or `https://` (a server's repository URL,
 * `http://host:4800/repos/NAME`).
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { withLease } from '../repository/lease.js';
import { refLogNote } from '../repository/ref-log.js';
import type { Repository } from '../repository/repository.js';
import { RemoteExistsError, RemoteNotFoundError } from './sync-errors.js';

export const REMOTES_CONFIG = 'remotes';

export interface Remote {
  readonly name: string;
  readonly url: string;
}

const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function parseRemoteName(name: string): string {
  if (!REMOTE_NAME.test(name) || name.endsWith('.') || name.includes('..'))
    throw new InvalidArgumentError(
      'remote name',
      name,
      'use up to 64 letters, digits and . _ -, starting with a letter or digit',
    );
  return name;
}

export function parseRemoteUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError('remote URL', url, 'expected http://HOST[:PORT]/repos/NAME');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new InvalidArgumentError('remote URL', url, 'only http:// and https:// are supported');
  if (parsed.username || parsed.password)
    throw new InvalidArgumentError(
      'remote URL',
      url,
      'put no credentials in the URL (use VERSO_TOKEN or the credentials file)',
    );
  return url.replace(/\/+$/, '');
}

export async function listRemotes(repo: Repository): Promise<Remote[]> {
  const doc = await readRemotes(repo);
  return Object.keys(doc)
    .sort()
    .map((name) => ({ name, url: doc[name]!.url }));
}

export async function getRemote(repo: Repository, name: string): Promise<Remote> {
  const doc = await readRemotes(repo);
  const found = doc[name];
  if (!found) throw new RemoteNotFoundError(name, Object.keys(doc).sort());
  return { name, url: found.url };
}

export async function addRemote(repo: Repository, name: string, url: string): Promise<Remote> {
  const valid = parseRemoteName(name);
  const validUrl = parseRemoteUrl(url);
  const doc = await readRemotes(repo);
  const known = doc[valid];
  if (known) throw new RemoteExistsError(valid, known.url);
  doc[valid] = { url: validUrl };
  await repo.catalog.setConfig(REMOTES_CONFIG, JSON.stringify(doc));
  return { name: valid, url: validUrl };
}

/** Forgets a remote and deletes its tracking branches (recorded in the ref log). */
export async function removeRemote(
  repo: Repository,
  name: string,
): Promise<Remote & { trackingBranches: number }> {
  const remote = await getRemote(repo, name);
  const doc = await readRemotes(repo);
  delete doc[name];
  return withLease(repo, 'writer', async () => {
    let trackingBranches = 0;
    for (const ref of await repo.catalog.listRefs('branch')) {
      if (!ref.name.startsWith(`${name}/`)) continue;
      await repo.catalog.updateRef(
        ref.name,
        'branch',
        ref.target,
        null,
        refLogNote(repo, 'remote remove'),
      );
      trackingBranches++;
    }
    await repo.catalog.setConfig(REMOTES_CONFIG, JSON.stringify(doc));
    return { ...remote, trackingBranches };
  });
}

export function trackingBranch(remote: string, branch: string): string {
  return `${remote}/${branch}`;
}

async function readRemotes(repo: Repository): Promise<Record<string, { url: string }>> {
  const text = await repo.catalog.getConfig(REMOTES_CONFIG);
  if (text === undefined || text === '') return {};
  const doc = JSON.parse(text) as unknown;
  return doc && typeof doc === 'object' && !Array.isArray(doc)
    ? (doc as Record<string, { url: string }>)
    : {};
}
