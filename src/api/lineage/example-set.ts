/**
 * The example set of a training run or slice (layer: api): the labels of one commit matching a
 * filter, read as a schema version, built into a Prolly tree (label key -> label content as
 * read). Its root hash is the set's content hash: the same commit + filter + schema gives the
 * same root (the tree is a pure function of its entries), and `lineage down IMAGE/LABEL` asks a
 * run whether it trained on a label with one point lookup.
 */
import type { ChunkHash } from '../../core/hash.js';
import { hashToHex, hexToHash } from '../../core/hash.js';
import { TreeBuilder } from '../../tree/builder.js';
import { getValue } from '../../tree/read.js';
import { encodeLabelKey } from '../../dataset/label-key.js';
import { scanLabelBatches } from '../read/label-review-scan.js';
import type { Repository } from '../repository/repository.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';

export interface ExampleSelection {
  readonly where?: string | undefined;
  readonly schema?: string | undefined;
}

export interface ExampleSet {
  readonly root: ChunkHash;
  readonly count: number;
}

/** Builds (and makes durable) the example-set tree of `commit` for `sel`. */
export async function buildExampleSet(
  repo: Repository,
  commit: ChunkHash,
  sel: ExampleSelection,
): Promise<ExampleSet> {
  const snap = await snapshotOfCommit(repo, commit);
  const mapContent =
    sel.schema === undefined
      ? undefined
      : ((await (
          await import('../schema/schema-projection.js')
        ).contentBytesMapper(repo, snap.schema, sel.schema)) ?? undefined);
  let batches = scanLabelBatches(repo, snap, mapContent);
  if (sel.where !== undefined) {
    const { compileLabelFilter } = await import('../query/query-filter.js');
    batches = (await compileLabelFilter(repo, snap, sel.where)).batches(mapContent);
  }
  const builder = new TreeBuilder(repo.nodes);
  let count = 0;
  for await (const batch of batches) {
    for (const e of batch) builder.add(e.key, e.label);
    count += batch.length;
    if (count % 8192 < batch.length) await repo.chunks.ready();
  }
  const root = hashToHex(builder.finish());
  await repo.chunks.flush();
  return { root, count };
}

/** The content of label (image, label) in the example set `root`, or undefined. */
export async function exampleContent(
  repo: Repository,
  root: ChunkHash,
  image: string,
  label: string,
): Promise<Uint8Array | undefined> {
  return getValue(repo.nodes, hexToHash(root), encodeLabelKey(image, label));
}
