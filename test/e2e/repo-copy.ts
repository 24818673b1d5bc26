/**
 * Shared fixtures for e2e files: build a repository once (in `beforeAll`), then give each test
 * its own copy of it instead of rebuilding it with the same CLI runs. A copy of a repository no
 * process has open is the same repository (LMDB data file, SQLite catalog, blobs): Verso stores
 * no absolute path inside `.verso/`.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo } from './helpers.js';

let copies = 0;

/** A private copy of `template` under `parent` (only while no process has `template` open). */
export function copyRepo(template: TestRepo, parent: string, name?: string): TestRepo {
  const root = join(parent, name ?? `copy-${++copies}`);
  cpSync(template.root, root, { recursive: true });
  return new TestRepo(root);
}
