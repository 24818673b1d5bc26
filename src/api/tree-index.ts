/**
 * Secondary indexes of a snapshot's trees (layer: api): finding them, building them in full,
 * and `verso index build|show`.
 *
 * An index is a Prolly tree of entries (`query/index-entries.ts`) over one source tree, recorded
 * in the catalog under the source tree's root hash (`catalog/derived-catalog.ts`): every commit
 * that shares the tree shares the index. A full build is one scan of the source tree whose
 * index keys go through the external sort into a bottom-up build; commits then keep indexes up
 * to date incrementally (`tree-index-maintain.ts`).
 */
import { hashToHex, hexToHash, type ChunkHash } from '../core/hash.js';
import { ExternalSorter } from '../io/external-sort.js';
import { TreeBuilder } from '../tree/builder.js';
import { countEntries, scanLeaves } from '../tree/read.js';
import { treeRoot, type Snapshot } from '../vcs/snapshot.js';
import {
  INDEX_FORMAT,
  INDEXED_FIELDS,
  INDEXED_TREES,
  indexPrefixesOf,
  type IndexedTree,
} from '../query/index-entries.js';
import { withLease } from './lease.js';
import { throttled, type ProgressFn } from './progress.js';
import type { Repository } from './repository.js';
import { snapshotAtRef } from './snapshot-at.js';

const EMPTY = new Uint8Array(0);

/** The index root of the tree `source` of kind `tree`, if one is recorded. */
export async function indexRootOf(
  repo: Repository,
  tree: IndexedTree,
  source: Uint8Array,
): Promise<Uint8Array | undefined> {
  const hex = await repo.catalog.derived.getTreeIndex(tree, hashToHex(source), INDEX_FORMAT);
  return hex === undefined ? undefined : hexToHash(hex);
}

export async function recordIndexRoot(
  repo: Repository,
  tree: IndexedTree,
  source: Uint8Array,
  index: Uint8Array,
): Promise<void> {
  await repo.catalog.derived.putTreeIndex({
    kind: tree,
    source: hashToHex(source),
    index: hashToHex(index),
    format: INDEX_FORMAT,
  });
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
  /** Built by this call (`index build`). */
  readonly built?: boolean;
}

export interface IndexReport {
  readonly commit: ChunkHash;
  readonly trees: readonly TreeIndexState[];
}

/** `verso index show REF`: which of the snapshot's trees are indexed. */
export async function showIndexes(repo: Repository, ref: string): Promise<IndexReport> {
  const { commit, snap } = await snapshotAt(repo, ref);
  const trees: TreeIndexState[] = [];
  for (const tree of INDEXED_TREES) trees.push(await stateOf(repo, snap, tree));
  return { commit, trees };
}

/** `verso index build REF`: builds every missing index of the snapshot at `ref`. */
export async function buildIndexes(
  repo: Repository,
  ref: string,
  onProgress?: ProgressFn,
): Promise<IndexReport> {
  return withLease(repo, 'writer', async () => {
    const { commit, snap } = await snapshotAt(repo, ref);
    const trees: TreeIndexState[] = [];
    for (const tree of INDEXED_TREES) {
      const source = treeRoot(snap, tree);
      if (await indexRootOf(repo, tree, source)) {
        trees.push(await stateOf(repo, snap, tree));
        continue;
      }
      await recordIndexRoot(
        repo,
        tree,
        source,
        await buildTreeIndex(repo, tree, source, onProgress),
      );
      trees.push({ ...(await stateOf(repo, snap, tree)), built: true });
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
  const index = await indexRootOf(repo, tree, source);
  return {
    tree,
    source: hashToHex(source),
    fields: INDEXED_FIELDS.filter((f) => f.tree === tree).map((f) => f.field),
    index: index ? hashToHex(index) : null,
    entries: index ? await countEntries(repo.nodes, index) : null,
  };
}

async function snapshotAt(repo: Repository, ref: string) {
  const { commit, snap } = await snapshotAtRef(repo, ref);
  return { commit, snap };
}
