/**
 * The category list (taxonomy) of a dataset version, as format importers give it (layer: api).
 *
 * Interim storage, to be redirected to the schema registry once its taxonomy holds everything
 * a COCO category has (string `supercategory`, non-integer ids): callers use only
 * `putCategories` and `categoriesForCommit`.
 *
 * Where it lives and why: the snapshot's `schema` member already names a registry version and
 * commit `operations` are history, not state; the four trees hold per-image records only. So a
 * list is stored content-addressed in the catalog (`categories/list/<sha256>` = canonical JSON,
 * immutable, never collected by gc because gc only sweeps chunks) and bound to the snapshot that
 * an import produced (`categories/snapshot/<snapshot id>` = sha256), written before the commit
 * moves the branch (a crash leaves only an unused binding). A later commit that changes labels
 * keeps the categories of its first-parent ancestry: the lookup walks first parents through
 * the catalog's commit index (SQLite point reads, no chunk reads) to the nearest bound snapshot.
 */
import { canonicalToJson } from '../core/canonical-json.js';
import { encodeValue, type JsonValue } from '../core/canonical.js';
import { CorruptionError } from '../core/errors.js';
import { sha256Hex, type ChunkHash } from '../core/hash.js';
import type { Repository } from './repository.js';

/** A category as the source format gives it: `id`, `name`, then any of its own fields. */
export interface Category {
  readonly id: number | string;
  readonly name: string;
  readonly [field: string]: JsonValue | undefined;
}

const listKey = (hash: string) => `categories/list/${hash}`;
const bindingKey = (snapshot: ChunkHash) => `categories/snapshot/${snapshot}`;

/** Stores `categories` as the category list of `snapshot` (before its commit is published). */
export async function putCategories(
  repo: Repository,
  snapshot: ChunkHash,
  categories: readonly Category[],
): Promise<void> {
  const bytes = encodeValue(categories);
  const hash = sha256Hex(bytes);
  if ((await repo.catalog.getConfig(listKey(hash))) === undefined)
    await repo.catalog.setConfig(listKey(hash), canonicalToJson(bytes));
  await repo.catalog.setConfig(bindingKey(snapshot), hash);
}

/** The category list in force at `commit`, or null when no import in its history gave one. */
export async function categoriesForCommit(
  repo: Repository,
  commit: ChunkHash,
): Promise<Category[] | null> {
  for (let id: ChunkHash | undefined = commit; id !== undefined;) {
    const entry = await repo.catalog.getCommit(id);
    if (!entry) return null;
    const hash = await repo.catalog.getConfig(bindingKey(entry.snapshot));
    if (hash !== undefined) return readList(repo, hash);
    id = entry.parents[0];
  }
  return null;
}

async function readList(repo: Repository, hash: string): Promise<Category[]> {
  const text = await repo.catalog.getConfig(listKey(hash));
  if (text === undefined) throw new CorruptionError(`category list ${hash} is missing`, { hash });
  return JSON.parse(text) as Category[];
}
