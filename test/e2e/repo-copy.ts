/**
 * Shared fixtures for e2e files: build a repository once (in `beforeAll`), then give each test
 * its own copy of it instead of rebuilding it with the same CLI runs. A copy of a repository no
 * process has open is the same repository (LMDB data file, SQLite catalog, blobs): Verso stores
 * no absolute path inside `.verso/`.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { initRepo, TestRepo } from './helpers.js';

let copies = 0;

/** A private copy of `template` under `parent` (only while no process has `template` open). */
export function copyRepo(template: TestRepo, parent: string, name?: string): TestRepo {
  const root = join(parent, name ?? `copy-${++copies}`);
  cpSync(template.root, root, { recursive: true });
  return new TestRepo(root);
}

const emptyTemplates = new Map<string, Promise<TestRepo>>();

/**
 * What `initRepo(parent, name)` gives (a repository with only its init commit), copied from one
 * `verso init` per `parent` instead of running `verso init` again. Copies share the init commit.
 */
export async function freshRepo(parent: string, name = 'repo'): Promise<TestRepo> {
  let template = emptyTemplates.get(parent);
  if (!template) {
    template = initRepo(parent, '.empty-template');
    emptyTemplates.set(parent, template);
  }
  return copyRepo(await template, parent, name);
}
