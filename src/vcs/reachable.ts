/**
 * Walks every chunk reachable from a set of commits (layer: vcs): commits, their parents,
 * snapshots, their category lists, and every tree node below them, each once. `verify` re-hashes what it yields;
 * `gc` keeps exactly this set.
 *
 * Each yielded node also carries what its parent claimed about it (subtree count and last
 * key), so a verifier can check the Merkle structure, not only the bytes.
 *
 * A chunk that is missing, fails its hash check or does not decode is yielded without bytes
 * (with `damage` saying why) and its children are not walked: a verifier lists it, and gc must
 * refuse to collect, since what lies below it is unknown.
 *
 * Over a remote store (one with `getMany`), a chunk about to be read that was not fetched yet is
 * fetched together with the next `READ_AHEAD` chunks on the walk's stack in one call, which
 * leaves them in the store's read cache: the walk then waits once per batch, not per chunk.
 */
import { CorruptionError } from '../core/errors.js';
import { hashToHex, hexToHash, type ChunkHash } from '../core/hash.js';
import { TREE_NAMES } from '../dataset/tree-names.js';
import type { ChunkStore } from '../store/chunk-store.js';
import { decodeNode, type TreeNode } from '../tree/node.js';
import { getCommit } from './commit.js';
import { getSnapshot } from './snapshot.js';

export type ChunkKind = 'commit' | 'snapshot' | 'categories' | 'node';

export interface ReachableChunk {
  readonly id: ChunkHash;
  readonly kind: ChunkKind;
  /** undefined: the chunk is missing from the store, or damaged (`damage`). */
  readonly bytes: Uint8Array | undefined;
  /** Why a chunk that is present cannot be used: corrupt bytes, or bytes that do not decode. */
  readonly damage?: string;
  /** For nodes: the decoded node and what the parent expected of it. */
  readonly node?: TreeNode;
  readonly expected?: { readonly total: number; readonly lastKey: Uint8Array };
}

interface Pending {
  readonly id: ChunkHash;
  readonly kind: ChunkKind;
  readonly expected?: { readonly total: number; readonly lastKey: Uint8Array };
}

/**
 * `others`: chunks to walk besides the commits, e.g. the example-set trees of training runs or
 * the auto-merged trees of a pending merge.
 */
export async function* walkReachable(
  chunks: ChunkStore,
  commits: readonly ChunkHash[],
  seen = new Set<string>(),
  others: readonly { readonly id: ChunkHash; readonly kind: ChunkKind }[] = [],
): AsyncGenerator<ReachableChunk> {
  const stack: Pending[] = [
    ...others.map(({ id, kind }) => ({ id, kind })),
    ...commits.map((id) => ({ id, kind: 'commit' as const })),
  ];
  const fetched = new Set<string>();
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    if (chunks.getMany && !fetched.has(item.id))
      await readAhead(chunks, item, stack, seen, fetched);
    let found: ReachableChunk;
    try {
      found = await readReachable(chunks, item, stack);
    } catch (e) {
      if (!(e instanceof CorruptionError)) throw e;
      const why = e.data['why'];
      const damage = typeof why === 'string' ? why : e.message;
      found = { id: item.id, kind: item.kind, bytes: undefined, damage };
    }
    yield found;
  }
}

/** Most chunks one read-ahead fetches (~4 KiB each). */
const READ_AHEAD = 512;

/** Fetches `item` and the next unseen chunks on `stack` (its top) in one `getMany`. */
async function readAhead(
  chunks: ChunkStore,
  item: Pending,
  stack: readonly Pending[],
  seen: ReadonlySet<string>,
  fetched: Set<string>,
): Promise<void> {
  if (fetched.size > 1_000_000) fetched.clear();
  const batch = [item.id];
  for (let i = stack.length - 1; i >= 0 && batch.length < READ_AHEAD; i--) {
    const id = stack[i]!.id;
    if (!seen.has(id) && !fetched.has(id)) batch.push(id);
  }
  for (const id of batch) fetched.add(id);
  await chunks.getMany!(batch.map((id) => hexToHash(id)));
}

/** Reads one chunk of the walk and pushes its children on `stack`. */
async function readReachable(
  chunks: ChunkStore,
  item: Pending,
  stack: Pending[],
): Promise<ReachableChunk> {
  const bytes = await chunks.get(hexToHash(item.id));
  if (!bytes) return { id: item.id, kind: item.kind, bytes: undefined };
  if (item.kind === 'commit') {
    const c = await getCommit(chunks, item.id);
    stack.push({ id: c.snapshot, kind: 'snapshot' });
    for (const p of c.parents) stack.push({ id: p, kind: 'commit' });
    return { id: item.id, kind: 'commit', bytes };
  }
  if (item.kind === 'snapshot') {
    const s = await getSnapshot(chunks, item.id);
    for (const t of TREE_NAMES) stack.push({ id: s.trees[t], kind: 'node' });
    if (s.categories !== null) stack.push({ id: s.categories, kind: 'categories' });
    return { id: item.id, kind: 'snapshot', bytes };
  }
  if (item.kind === 'categories') return { id: item.id, kind: 'categories', bytes };
  let node: TreeNode;
  try {
    node = decodeNode(hexToHash(item.id), bytes);
  } catch (e) {
    throw new CorruptionError(`tree node ${item.id} does not decode: ${(e as Error).message}`, {
      id: item.id,
    });
  }
  if (node.level > 0) {
    for (let i = 0; i < node.keys.length; i++) {
      stack.push({
        id: hashToHex(node.values[i]!),
        kind: 'node',
        expected: { total: node.counts[i]!, lastKey: node.keys[i]! },
      });
    }
  }
  return {
    id: item.id,
    kind: 'node',
    bytes,
    node,
    ...(item.expected ? { expected: item.expected } : {}),
  };
}
