/**
 * Which chunks the receiver lacks, found top-down (layer: api): the negotiation of every
 * transfer, fetch (the receiver is this repository, the sender a peer) and push (the other way
 * round) alike.
 *
 * The walk starts from the commits to transfer and goes one round per level: commits name their
 * snapshot and parents, snapshots their tree roots and category list, internal tree nodes their
 * children. Each round asks the receiver, in requests of `IDS_PER_REQUEST` ids, which of the
 * round's chunks it has; a chunk it has is not walked further, because a receiver stores a chunk
 * only after everything below it (see `sendOrder`). So an edit of E labels in a tree of depth D
 * costs about E x D ids asked and chunks sent, not the size of the dataset. The sender's bytes
 * are read only for chunks that have children (commits, snapshots, internal nodes); the
 * children of a level-1 node are leaves and are named, not read, until they are sent.
 *
 * `sendOrder` orders the missing chunks so that every prefix is closed under "reachable from":
 * tree nodes by level (leaves first; a node's children are one level lower), then category
 * lists, snapshots, and commits parents first. A transfer cut off anywhere leaves the receiver
 * with whole subtrees only, so its "has" stays true and a retry skips what arrived.
 */
import { decodeValue } from '../../core/canonical.js';
import { CorruptionError } from '../../core/errors.js';
import { hashToHex, type ChunkHash } from '../../core/hash.js';
import { TREE_NAMES } from '../../dataset/tree-names.js';
import { HASH_BYTES } from '../../core/hash.js';
import { decodeNode } from '../../tree/node.js';
import { hexToHash } from '../../core/hash.js';
import { COMMIT_MARKER, SNAPSHOT_MARKER } from '../../vcs/objects.js';
import { snapshotFromRecord } from '../../vcs/snapshot.js';
import { IDS_PER_REQUEST } from './transfer-pack.js';

export type MissingKind = 'commit' | 'snapshot' | 'categories' | 'node' | 'leaf';

export interface MissingChunk {
  readonly id: ChunkHash;
  readonly kind: MissingKind;
  /** Tree nodes: their level (0 for leaves, which are not read). */
  readonly level: number;
  /** Commits: their parents (to order them). */
  readonly parents?: readonly ChunkHash[];
}

export interface TransferPlan {
  /** What the receiver lacks, in a closed send order (`sendOrder`). */
  readonly missing: readonly MissingChunk[];
  /** The sender's bytes read during the walk (every missing chunk but leaves, category lists). */
  readonly read: ReadonlyMap<ChunkHash, Uint8Array>;
  /** Ids the receiver was asked about, and the rounds it took. */
  readonly asked: number;
  readonly rounds: number;
}

export interface NegotiationSides {
  /** Whether the receiver has each id (in order). */
  receiverHas(ids: readonly ChunkHash[]): Promise<boolean[]>;
  /** The sender's bytes of `ids`, each checked against its id. */
  senderRead(ids: readonly ChunkHash[]): Promise<ReadonlyMap<ChunkHash, Uint8Array>>;
}

interface Pending {
  readonly id: ChunkHash;
  readonly kind: MissingKind;
  readonly level: number;
}

export async function planTransfer(
  roots: readonly ChunkHash[],
  sides: NegotiationSides,
): Promise<TransferPlan> {
  const seen = new Set<ChunkHash>();
  const missing: MissingChunk[] = [];
  const read = new Map<ChunkHash, Uint8Array>();
  let frontier: Pending[] = roots.map((id) => ({ id, kind: 'commit', level: 0 }));
  let asked = 0;
  let rounds = 0;
  while (frontier.length > 0) {
    const round = frontier.filter((p) => !seen.has(p.id) && (seen.add(p.id), true));
    if (round.length === 0) break;
    rounds++;
    asked += round.length;
    const present = await inRequests(round, (part) => sides.receiverHas(part.map((p) => p.id)));
    const lacking = round.filter((_, i) => !present[i]);
    const toRead = lacking.filter((p) => p.kind !== 'leaf' && p.kind !== 'categories');
    const bytesOf = await inRequests(toRead, async (part) => {
      const got = await sides.senderRead(part.map((p) => p.id));
      return part.map((p) => got.get(p.id));
    });
    const next: Pending[] = [];
    let at = 0;
    for (const p of lacking) {
      if (p.kind === 'leaf' || p.kind === 'categories') {
        missing.push({ id: p.id, kind: p.kind, level: 0 });
        continue;
      }
      const bytes = bytesOf[at++];
      if (!bytes) throw new CorruptionError(`the sender lacks chunk ${p.id}`, { hash: p.id });
      read.set(p.id, bytes);
      missing.push(childrenOf(p, bytes, next));
    }
    frontier = next;
  }
  return { missing: sendOrder(missing), read, asked, rounds };
}

/** Runs `ask` over `items` in requests of `IDS_PER_REQUEST`, a few at a time; results in order. */
async function inRequests<T, R>(
  items: readonly T[],
  ask: (part: T[]) => Promise<R[]>,
): Promise<R[]> {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_REQUEST)
    parts.push(items.slice(i, i + IDS_PER_REQUEST));
  const out: R[][] = new Array(parts.length);
  let next = 0;
  const worker = async () => {
    while (next < parts.length) {
      const i = next++;
      out[i] = await ask(parts[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, parts.length) }, worker));
  return out.flat();
}

/** Decodes a read chunk, pushing its children on `next`; returns its entry in the plan. */
function childrenOf(p: Pending, bytes: Uint8Array, next: Pending[]): MissingChunk {
  if (p.kind === 'commit') {
    const v = objectRecord(COMMIT_MARKER, bytes, p.id);
    const snapshot = v['snapshot'];
    const parents = v['parents'];
    if (typeof snapshot !== 'string' || !Array.isArray(parents))
      throw new CorruptionError(`commit ${p.id} is malformed`, { id: p.id });
    next.push({ id: snapshot as ChunkHash, kind: 'snapshot', level: 0 });
    for (const parent of parents) next.push({ id: parent as ChunkHash, kind: 'commit', level: 0 });
    return { id: p.id, kind: 'commit', level: 0, parents: parents as ChunkHash[] };
  }
  if (p.kind === 'snapshot') {
    const snapshot = snapshotFromRecord(objectRecord(SNAPSHOT_MARKER, bytes, p.id), p.id);
    for (const name of TREE_NAMES) next.push({ id: snapshot.trees[name], kind: 'node', level: 0 });
    if (snapshot.categories !== null)
      next.push({ id: snapshot.categories, kind: 'categories', level: 0 });
    return { id: p.id, kind: 'snapshot', level: 0 };
  }
  const node = decodeNode(hexToHash(p.id), bytes);
  if (node.level > 0) {
    const kind: MissingKind = node.level === 1 ? 'leaf' : 'node';
    for (const child of node.values) {
      if (child.length !== HASH_BYTES) throw new CorruptionError(`tree node ${p.id} is malformed`);
      next.push({ id: hashToHex(child), kind, level: node.level - 1 });
    }
  }
  return { id: p.id, kind: 'node', level: node.level };
}

function objectRecord(marker: number, bytes: Uint8Array, id: ChunkHash): Record<string, unknown> {
  const v = bytes[0] === marker ? decodeValue(bytes.subarray(1)) : undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new CorruptionError(`chunk ${id} is not the object its parent names`, { id });
  return v as Record<string, unknown>;
}

const KIND_RANK: Readonly<Record<MissingKind, number>> = {
  leaf: 0,
  node: 0,
  categories: 1,
  snapshot: 2,
  commit: 3,
};

/** The closed send order (see the header): nodes by level, lists, snapshots, commits parents first. */
export function sendOrder(missing: readonly MissingChunk[]): MissingChunk[] {
  const rest = missing.filter((m) => m.kind !== 'commit');
  rest.sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind] || a.level - b.level);
  return [...rest, ...parentsFirst(missing.filter((m) => m.kind === 'commit'))];
}

function parentsFirst(commits: readonly MissingChunk[]): MissingChunk[] {
  const byId = new Map(commits.map((c) => [c.id, c]));
  const done = new Set<ChunkHash>();
  const out: MissingChunk[] = [];
  for (const start of commits) {
    // Iterative post-order: a commit is emitted once all its missing parents are.
    const stack: { c: MissingChunk; i: number }[] = [{ c: start, i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (done.has(top.c.id)) {
        stack.pop();
        continue;
      }
      const parents = top.c.parents ?? [];
      if (top.i < parents.length) {
        const parent = byId.get(parents[top.i++]!);
        if (parent && !done.has(parent.id)) stack.push({ c: parent, i: 0 });
        continue;
      }
      done.add(top.c.id);
      out.push(top.c);
      stack.pop();
    }
  }
  return out;
}
