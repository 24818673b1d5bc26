/**
 * Resolves a ref expression to a commit id (layer: vcs).
 *
 * Accepted: a branch or tag name, a full commit id, a unique commit-id prefix of at least 4 hex
 * chars, each optionally followed by `~N` (N-th first-parent ancestor) or `^` (first parent),
 * repeatable: `main~2`, `v1^^`.
 */
import { AmbiguousRefError, RefNotFoundError } from '../core/errors.js';
import { hexToHash, type ChunkHash } from '../core/hash.js';
import type { Catalog } from '../catalog/catalog.js';
import type { ChunkStore } from '../store/chunk-store.js';
import { getCommit } from './commit.js';

const SUFFIX = /(~\d*|\^)$/;
const HEX_PREFIX = /^[0-9a-f]{4,64}$/;

export async function resolveRef(
  catalog: Catalog,
  chunks: ChunkStore,
  spec: string,
): Promise<ChunkHash> {
  let base = spec;
  let back = 0;
  for (let m = SUFFIX.exec(base); m; m = SUFFIX.exec(base)) {
    const s = m[1]!;
    back += s === '^' || s === '~' ? 1 : Number(s.slice(1));
    base = base.slice(0, m.index);
  }
  let id = await resolveBase(catalog, chunks, base, spec);
  for (let i = 0; i < back; i++) {
    const parent = (await getCommit(chunks, id)).parents[0];
    if (!parent) throw new RefNotFoundError(spec);
    id = parent;
  }
  return id;
}

async function resolveBase(
  catalog: Catalog,
  chunks: ChunkStore,
  name: string,
  spec: string,
): Promise<ChunkHash> {
  if (name.length === 0) throw new RefNotFoundError(spec);
  const ref = await catalog.getRef(name);
  if (ref) return ref.target;
  if (HEX_PREFIX.test(name)) {
    // The index may still list commits that gc collected: only stored commits count.
    const hits: ChunkHash[] = [];
    for (const id of await catalog.findCommitsByPrefix(name, 10)) {
      if (await chunks.has(hexToHash(id))) hits.push(id);
    }
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new AmbiguousRefError(spec, hits);
  }
  throw new RefNotFoundError(spec);
}
