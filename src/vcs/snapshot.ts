/**
 * Snapshots: the root record of a dataset version (layer: vcs).
 *
 * A snapshot names one tree root per record kind, the schema version it was written under and
 * the chunk of its category list (`category-list.ts`; null when no import gave one). Its id is
 * the hash of its canonical encoding, so identical datasets have identical snapshot ids whatever
 * history produced them. `categories` is encoded only when set, so snapshots without a list keep
 * the ids they had before the member existed; likewise an optional tree (`OPTIONAL_TREE_NAMES`:
 * annotators' objects and annotations, video tracks and keyframes) is encoded only when it is
 * not the empty tree, and read back as the empty tree when absent.
 */
import { CorruptionError } from '../core/errors.js';
import { hashToHex, hexToHash, sha256, type ChunkHash } from '../core/hash.js';
import { isOptionalTree, TREE_NAMES, type TreeName } from '../dataset/tree-names.js';
import { encodeNode } from '../tree/node.js';
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

/** The id of the empty tree (one empty leaf): what an absent optional tree reads as. */
export const EMPTY_TREE_ID: ChunkHash = hashToHex(sha256(encodeNode(0, [], [], [])));

export function emptySnapshot(nodes: NodeStore): Snapshot {
  const empty = hashToHex(nodes.write(0, [], [], []).hash);
  const trees = Object.fromEntries(TREE_NAMES.map((name) => [name, empty]));
  return { trees: trees as Record<TreeName, ChunkHash>, schema: null, categories: null };
}

/**
 * The trees a snapshot names (in its encoding, and in what `show` and `diff --stat` print):
 * every core tree, and an optional one only when it is not empty.
 */
export function namedTrees(trees: Readonly<Record<TreeName, ChunkHash>>): TreeName[] {
  return TREE_NAMES.filter((name) => !isOptionalTree(name) || trees[name] !== EMPTY_TREE_ID);
}

function encodedTrees(trees: Readonly<Record<TreeName, ChunkHash>>): Record<string, ChunkHash> {
  return Object.fromEntries(namedTrees(trees).map((name) => [name, trees[name]]));
}

export function putSnapshot(chunks: ChunkStore, s: Snapshot): ChunkHash {
  return putObject(chunks, SNAPSHOT_MARKER, {
    format: SNAPSHOT_FORMAT,
    schema: s.schema,
    trees: encodedTrees(s.trees),
    ...(s.categories !== null ? { categories: s.categories } : {}),
  });
}

export async function getSnapshot(chunks: ChunkStore, id: ChunkHash): Promise<Snapshot> {
  return snapshotFromRecord(await getObject(chunks, SNAPSHOT_MARKER, id), id);
}

/** A snapshot from its decoded record (`getObject`'s value): absent optional trees read as empty. */
export function snapshotFromRecord(v: unknown, id: ChunkHash): Snapshot {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new CorruptionError(`snapshot ${id} is missing or malformed`, { id });
  const record = v as Record<string, unknown>;
  const trees = record['trees'] as Record<string, unknown> | undefined;
  const out: Partial<Record<TreeName, ChunkHash>> = {};
  for (const name of TREE_NAMES) {
    const h = trees?.[name] ?? (isOptionalTree(name) ? EMPTY_TREE_ID : undefined);
    if (typeof h !== 'string')
      throw new CorruptionError(`snapshot ${id} lacks tree '${name}'`, { id });
    out[name] = h as ChunkHash;
  }
  return {
    trees: out as Record<TreeName, ChunkHash>,
    schema: typeof record['schema'] === 'string' ? record['schema'] : null,
    categories:
      typeof record['categories'] === 'string' ? (record['categories'] as ChunkHash) : null,
  };
}

export function treeRoot(s: Snapshot, name: TreeName): Uint8Array {
  return hexToHash(s.trees[name]);
}
