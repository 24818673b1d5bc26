/**
 * The repositories a server serves (layer: server): one folder (`verso serve --repo DIR`,
 * served under its folder name) or every repository folder under a root (`--root DIR`, each
 * under its own name). A repository is opened on its first request and kept open for the
 * server's life, so requests share its warm caches (decoded nodes, the LMDB environment, the
 * catalog's prepared statements) and pay no start-up.
 *
 * Names are checked before any path is built from them: a name is one path segment of letters,
 * digits, `.`, `_` and `-`, not starting with `.` (no traversal, no hidden folders).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
  openRepository,
  type Repository,
  type RepositoryOptions,
} from '../api/repository/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import { HttpRefusal } from './http-errors.js';

const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export type HostSource =
  | { readonly repo: string }
  | { readonly root: string }
  /** Repositories the caller opened (an embedding program, tests): served, never closed here. */
  | { readonly open: Readonly<Record<string, Repository>> };

export class RepositoryHost {
  private readonly open = new Map<string, Promise<Repository>>();
  private readonly single: { name: string; dir: string } | undefined;
  private readonly root: string | undefined;
  private readonly given: Readonly<Record<string, Repository>> | undefined;

  constructor(
    source: HostSource,
    private readonly options: RepositoryOptions = {},
  ) {
    if ('open' in source) {
      for (const name of Object.keys(source.open))
        if (!NAME.test(name))
          throw new InvalidArgumentError('repository name', name, 'is not one path segment');
      this.given = source.open;
    } else if ('repo' in source) {
      const dir = resolve(source.repo);
      this.single = { name: sanitizedName(basename(dir)), dir };
    } else {
      this.root = resolve(source.root);
      if (!existsSync(this.root) || !statSync(this.root).isDirectory())
        throw new InvalidArgumentError('repository root', source.root, 'is not a folder');
    }
  }

  /** The names served, in order. */
  names(): string[] {
    if (this.given) return Object.keys(this.given).sort();
    if (this.single) return [this.single.name];
    const root = this.root!;
    return readdirSync(root, { withFileTypes: true })
      .filter(
        (d) => d.isDirectory() && NAME.test(d.name) && existsSync(join(root, d.name, '.verso')),
      )
      .map((d) => d.name)
      .sort();
  }

  /** The open repository of that name (opened on first use), or 404. */
  async get(name: string): Promise<Repository> {
    if (this.given) {
      const repo = Object.hasOwn(this.given, name) ? this.given[name] : undefined;
      if (!repo) throw unknownRepository(name);
      return repo;
    }
    const dir = this.dirOf(name);
    let repo = this.open.get(name);
    if (!repo) {
      repo = openRepository(dir, this.options);
      this.open.set(name, repo);
      repo.catch(() => this.open.delete(name));
    }
    return repo;
  }

  async close(): Promise<void> {
    const repos = [...this.open.values()];
    this.open.clear();
    for (const r of repos) await (await r.catch(() => undefined))?.close();
  }

  private dirOf(name: string): string {
    if (!NAME.test(name)) throw unknownRepository(name);
    if (this.single) {
      if (name !== this.single.name) throw unknownRepository(name);
      return this.single.dir;
    }
    const dir = join(this.root!, name);
    if (!existsSync(join(dir, '.verso'))) throw unknownRepository(name);
    return dir;
  }
}

function unknownRepository(name: string): HttpRefusal {
  return new HttpRefusal('REPOSITORY_NOT_FOUND', 404, `no repository '${name}' on this server`, {
    repository: name,
  });
}

/** A folder name as a repository name (`my repo` -> `my-repo`). */
function sanitizedName(folder: string): string {
  const name = folder.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^\.+/, '');
  return NAME.test(name) ? name : 'repo';
}
