/**
 * Snapshots: the root record of a dataset version (layer: vcs).
 *
 * A snapshot names one tree root per record kind, the schema version it was written under and
 * the chunk of its category list (`category-list.ts`; null when no import gave one). Its id is
 * the hash of its canonical encoding, so identical datasets have identical snapshot ids whatever
 * history produced them. `categories` is encoded only when set, so snapshots without a list keep
 * the ids they had before the member existed.
 */
import { CorruptionError } from '../core/errors.js';
import { hashToHex, hexToHash, type ChunkHash } from '../core/hash.js';
import { TREE_NAMES, type TreeName } from '../dataset/tree-names.js';
import type { ChunkStore } from '../store/chunk-store.js';
import type { NodeStore } from '../tree/node-store.js';
import { getObject, putObject, SNAPSHOT_MARKER } from './objects.js';

const SNAPSHOT_FORMAT = 1;

export interface Snapshot {
  readonly trees: Readonly<Record<TreeName, ChunkHash>>;
  readonly schema: string | null;
  /** The category-list chunk (`category-list.ts`), or null. */
  readonly categories: ChunkHash | null;
}

export function emptySnapshot(nodes: NodeStore): Snapshot {
  const empty = hashToHex(nodes.write(0, [], [], []).hash);
  return {
    trees: { assets: empty, labels: empty, reviews: empty, splits: empty },
    schema: null,
    categories: null,
  };
}

export function putSnapshot(chunks: ChunkStore, s: Snapshot): ChunkHash {
  return putObject(chunks, SNAPSHOT_MARKER, {
    format: SNAPSHOT_FORMAT,
    schema: s.schema,
    trees: { ...s.trees },
    ...(s.categories !== null ? { categories: s.categories } : {}),
  });
}

export async function getSnapshot(chunks: ChunkStore, id: ChunkHash): Promise<Snapshot> {
  const v = await getObject(chunks, SNAPSHOT_MARKER, id);
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new CorruptionError(`snapshot ${id} is missing or malformed`, { id });
  const trees = v['trees'] as Record<string, unknown> | undefined;
  const out: Partial<Record<TreeName, ChunkHash>> = {};
  for (const name of TREE_NAMES) {
    const h = trees?.[name];
    if (typeof h !== 'string')
      throw new CorruptionError(`snapshot ${id} lacks tree '${name}'`, { id });
    out[name] = h as ChunkHash;
  }
  return {
    trees: out as Record<TreeName, ChunkHash>,
    schema: typeof v['schema'] === 'string' ? v['schema'] : null,
    categories: typeof v['categories'] === 'string' ? (v['categories'] as ChunkHash) : null,
  };
}

export function treeRoot(s: Snapshot, name: TreeName): Uint8Array {
  return hexToHash(s.trees[name]);
}
