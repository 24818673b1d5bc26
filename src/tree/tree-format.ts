/**
 * Tree format versions (layer: tree): what decides the bytes, and so the hashes, of a stored
 * Prolly tree beyond the node encoding (`node.ts`): the splitter that cuts each level into
 * chunks and the item sizes it is fed.
 *
 * A format version is frozen once trees have been written with it: every root hash of every
 * stored version depends on it, and history independence (an edited tree equals a fresh build)
 * holds only within one format. So a new splitter, new parameters or new item sizes is a new
 * `TreeFormat` with a new `version`, added beside the old ones, never an edit of an existing
 * one. `src/tree/golden.test.ts` pins v1's root hashes and parameters.
 *
 * Where the version lives: v1 is the only format; snapshots (`vcs/snapshot.ts`, snapshot
 * format 1) name tree roots without a tree format, which means v1. A later format must be
 * recorded with the roots it made (a snapshot member written only when it is not 1, so v1
 * snapshot ids stay as they are) and chosen per repository through the `NodeStore`.
 */
import { KEY_SPLITTER_V1, KeySplitter } from './splitter.js';
import type { ChunkSplitter } from './splitter.js';

export interface TreeFormat {
  readonly version: number;
  /** A fresh splitter for one level of a tree. */
  splitter(level: number): ChunkSplitter;
  /** Bytes counted per leaf item beyond its key and value (the encoding's varint lengths). */
  readonly leafItemOverhead: number;
  /** Bytes counted per internal item beyond its key and child hash. */
  readonly internalItemOverhead: number;
  /** From this level up a node holds at least two items (`level-chunker.ts`). */
  readonly forcedFanoutLevel: number;
}

export const TREE_FORMAT_V1: TreeFormat = Object.freeze({
  version: 1,
  splitter: (level: number): ChunkSplitter => new KeySplitter(level, KEY_SPLITTER_V1),
  leafItemOverhead: 2,
  internalItemOverhead: 4,
  forcedFanoutLevel: 16,
});

/** The format new trees are written in. */
export const CURRENT_TREE_FORMAT: TreeFormat = TREE_FORMAT_V1;
