/**
 * Secondary indexes of a snapshot's trees (layer: api): finding them, building them in full,
 * and `verso index build|show`.
 *
 * An index is the set of entries (`query/index-entries.ts`) of one source tree, kept as a base
 * Prolly tree plus two delta trees (`tree/overlay.ts`) and recorded in the catalog under the
 * source tree's root hash (`catalog/derived-catalog.ts`): every commit that shares the tree
 * shares the index. A full build is one scan of the source tree whose index keys go through the
 * external sort into a bottom-up base; commits then keep indexes up to date in the deltas
 * (`tree-index-maintain.ts`), and `index build` folds the deltas back into the base.
 */
import { hashToHex, hexToHash, type ChunkHash } from '../../core/hash.js';
import { ExternalSorter } from '../../io/external-sort.js';
import { TreeBuilder } from '../../tree/builder.js';
import { bytesEqual } from '../../tree/bytes.js';
import { countOverlay, emptyTree, foldOverlay, type Overlay } from '../../tree/overlay.js';
import { countEntries, scanLeaves } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import {
  INDEX_FORMAT,
  INDEXED_FIELDS,
  INDEXED_TREES,
  indexPrefixesOf,
  type IndexedTree,
} from '../../query/index-entries.js';
import { withLease } from '../repository/lease.js';
import { throttled, type ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';

const EMPTY = new Uint8Array(0);

/** The index of the tree `source` of kind `tree`, if one is recorded. */
export async function indexOf(
  repo: Repository,
  tree: IndexedTree,
  source: Uint8Array,
): Promise<Overlay | undefined> {
  const r = await repo.catalog.derived.getTreeIndex(tree, hashToHex(source), INDEX_FORMAT);
  if (!r) return undefined;
  const delta = (hex: ChunkHash | null) => (hex ? hexToHash(hex) : emptyTree(repo.nodes));
  return { base: hexToHash(r.index), adds: delta(r.adds), removes: delta(r.removes) };
}

/** Records `index` as the index of `source` (`replace`: over a recorded one, after compaction). */
export async function recordIndex(
  repo: Repository,
  tree: IndexedTree,
  source: Uint8Array,
  index: Overlay,
  replace = false,
): Promise<void> {
  const empty = hashToHex(emptyTree(repo.nodes));
  const delta = (root: Uint8Array) => (hashToHex(root) === empty ? null : hashToHex(root));
  const record = {
    kind: tree,
    source: hashToHex(source),
    index: hashToHex(index.base),
    adds: delta(index.adds),
    removes: delta(index.removes),
    format: INDEX_FORMAT,
  };
  if (replace) await repo.catalog.derived.replaceTreeIndex(record);
  else await repo.catalog.derived.putTreeIndex(record);
}

function hasNoDeltas(repo: Repository, index: Overlay): boolean {
  const empty = emptyTree(repo.nodes);
  return bytesEqual(index.adds, empty) && bytesEqual(index.removes, empty);
}

/** An index of just `base` (no deltas). */
export function plainIndex(repo: Repository, base: Uint8Array): Overlay {
  const empty = emptyTree(repo.nodes);
  return { base, adds: empty, removes: empty };
}

/**
 * Builds the index of `source` from scratch and makes its chunks durable (no catalog row).
 * Entries are grouped by their (field, bucket, value) prefix as the scan yields them, each
 * group's source keys already in order; every `GROUP_ENTRIES` entries the groups go to the
 * external sort in prefix order, so it only merges sorted runs instead of sorting.
 */
export async function buildTreeIndex(
  repo: Repository,
  tree: IndexedTree,
  source: Uint8Array,
  onProgress?: ProgressFn,
): Promise<Uint8Array> {
  const sorter = new ExternalSorter(`${repo.scratchDir()}/index-${tree}`);
  const scanned = throttled(onProgress, `index ${tree}: scan`, 100_000);
  let groups = new Map<string, string[]>();
  let grouped = 0;
  const release = () => {
    for (const prefix of [...groups.keys()].sort())
      for (const key of groups.get(prefix)!) sorter.add(prefix + key, EMPTY);
    groups = new Map();
    grouped = 0;
  };
  let n = 0;
  for await (const run of scanLeaves(repo.nodes, source)) {
    for (let i = run.from; i < run.to; i++) {
      const prefixes = indexPrefixesOf(tree, run.values[i]!);
      if (prefixes.length === 0) continue;
      const key = latin1(run.keys[i]!);
      for (const p of prefixes) {
        const prefix = latin1(p);
        const group = groups.get(prefix);
        if (group) group.push(key);
        else groups.set(prefix, [key]);
      }
      grouped += prefixes.length;
    }
    if (grouped >= GROUP_ENTRIES) release();
    scanned.tick((n += run.to - run.from));
  }
  release();
  scanned.end(n);
  const builder = new TreeBuilder(repo.nodes);
  const built = throttled(onProgress, `index ${tree}: build`, 500_000, sorter.count);
  let entries = 0;
  for await (const r of sorter.sorted()) {
    builder.add(Buffer.from(r.key, 'latin1'), EMPTY);
    if (++entries % 16_384 === 0) {
      built.tick(entries);
      await repo.chunks.ready();
    }
  }
  built.end(entries);
  const root = builder.finish();
  await repo.chunks.flush();
  return root;
}

const GROUP_ENTRIES = 1_000_000;

const latin1 = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

export interface TreeIndexState {
  readonly tree: IndexedTree;
  readonly source: ChunkHash;
  readonly fields: readonly string[];
  /** The index root, or null when the tree has no index. */
  readonly index: ChunkHash | null;
  readonly entries: number | null;
  /** What `index build` did: built from scratch, or folded the deltas into the base. */
  readonly built?: 'built' | 'folded';
  /** Entries in the deltas (0 right after a build or a fold). */
  readonly delta_entries?: number;
}

export interface IndexReport {
  readonly commit: ChunkHash;
  readonly trees: readonly TreeIndexState[];
}

/** `verso index show REF`: which of the snapshot's trees are indexed. */
export async function showIndexes(repo: Repository, ref: string): Promise<IndexReport> {
  const { commit, snap } = await snapshotAtRef(repo, ref);
  const trees: TreeIndexState[] = [];
  for (const tree of INDEXED_TREES) trees.push(await stateOf(repo, snap, tree));
  return { commit, trees };
}

/**
 * `verso index build REF`: builds every missing index of the snapshot at `ref`, and folds the
 * deltas of the existing ones into their base (compaction: later queries and commits work on
 * small deltas again).
 */
export async function buildIndexes(
  repo: Repository,
  ref: string,
  onProgress?: ProgressFn,
): Promise<IndexReport> {
  return withLease(repo, 'writer', async () => {
    const { commit, snap } = await snapshotAtRef(repo, ref);
    const trees: TreeIndexState[] = [];
    for (const tree of INDEXED_TREES) {
      const source = treeRoot(snap, tree);
      const existing = await indexOf(repo, tree, source);
      if (existing && hasNoDeltas(repo, existing)) {
        trees.push(await stateOf(repo, snap, tree));
        continue;
      }
      const base = existing
        ? await foldOverlay(repo.nodes, existing)
        : await buildTreeIndex(repo, tree, source, onProgress);
      await repo.chunks.flush();
      await recordIndex(repo, tree, source, plainIndex(repo, base), existing !== undefined);
      trees.push({ ...(await stateOf(repo, snap, tree)), built: existing ? 'folded' : 'built' });
    }
    return { commit, trees };
  });
}

async function stateOf(
  repo: Repository,
  snap: Snapshot,
  tree: IndexedTree,
): Promise<TreeIndexState> {
  const source = treeRoot(snap, tree);
  const index = await indexOf(repo, tree, source);
  const deltas = index
    ? (await countEntries(repo.nodes, index.adds)) + (await countEntries(repo.nodes, index.removes))
    : null;
  return {
    tree,
    source: hashToHex(source),
    fields: INDEXED_FIELDS.filter((f) => f.tree === tree).map((f) => f.field),
    index: index ? hashToHex(index.base) : null,
    entries: index ? await countOverlay(repo.nodes, index) : null,
    ...(deltas !== null ? { delta_entries: deltas } : {}),
  };
}
