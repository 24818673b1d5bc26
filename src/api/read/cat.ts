/**
 * `verso cat REF`: every label of a snapshot as native JSONL, in key order (layer: api).
 *
 * The labels and reviews trees (both keyed by (image, label)) are walked leaf by leaf and
 * joined; each line is `{"image","label",...content,"review":{...}}`, which `verso import
 * labels` reads back to the same trees. Output comes as byte blocks of whole lines, rendered
 * straight from the canonical encoding (`core/canonical-json.ts`). With `schema: X` each label's
 * content is first mapped from the snapshot's schema version to X (`schema-projection.ts`);
 * without it the values are rendered as stored. With `where` (or a compiled `filter`) only the
 * labels matching the filter are printed, found by the filter's plan (`query-filter.ts`: a scan,
 * or index / change-set candidates; the filter sees the content as printed, so after a schema
 * mapping).
 *
 * A plain read (no schema, no filter) of a big snapshot on a store other threads can open
 * (`ChunkStore.threadReader`) is rendered by worker threads, a key range each, and yielded in
 * key order (`cat-parallel.ts`): the same bytes, on every core. `workers: false` keeps it on the
 * caller's thread (the server's `GET /labels`, whose client decodes on the same cores).
 */
import { JsonBytes } from '../../core/canonical-json.js';
import { treeRoot } from '../../vcs/snapshot.js';
import { parallelCatBlocks } from './cat-parallel.js';
import { BLOCK_BYTES, labelRangeBlocks, renderLine } from './label-lines.js';
import type { Repository } from '../repository/repository.js';
import { snapshotAtRef } from '../repository/snapshot-at.js';
import type { LabelFilter } from '../query/query-filter.js';
import type { ContentBytesMapper } from '../schema/schema-projection.js';

/** Blocks of JSONL bytes (each a whole number of '\n'-terminated lines) of every label at `refSpec`. */

export async function* catLabelBlocks(
  repo: Repository,
  refSpec: string,
  opts: {
    readonly schema?: string;
    readonly mapContent?: ContentBytesMapper;
    readonly where?: string;
    readonly filter?: LabelFilter;
    /** Render on worker threads when it pays (default true); false: on this thread only. */
    readonly workers?: boolean;
  } = {},
): AsyncGenerator<Buffer> {
  const { snap } = await snapshotAtRef(repo, refSpec);
  const mapValue =
    opts.mapContent ??
    (opts.schema === undefined
      ? null
      : await (
          await import('../schema/schema-projection.js')
        ).contentBytesMapper(repo, snap.schema, opts.schema));
  const filter =
    opts.filter ??
    (opts.where === undefined
      ? undefined
      : await (
          await import('../query/query-filter.js')
        ).compileLabelFilter(repo, snap, opts.where));
  if (filter) {
    const out = new JsonBytes();
    for await (const batch of filter.batches(mapValue ?? undefined)) {
      for (const e of batch) renderLine(out, e.key, e.label, e.review);
      if (out.length >= BLOCK_BYTES) yield out.take();
    }
    if (out.length > 0) yield out.take();
    return;
  }
  const [labels, reviews] = [treeRoot(snap, 'labels'), treeRoot(snap, 'reviews')];
  const parallel =
    mapValue || opts.workers === false ? undefined : await parallelCatBlocks(repo, labels, reviews);
  yield* parallel ?? labelRangeBlocks(repo.nodes, labels, reviews, {}, mapValue ?? undefined);
}

/** Lines (without '\n') of every label at `refSpec`. */
export async function* catLabels(repo: Repository, refSpec: string): AsyncGenerator<string> {
  for await (const block of catLabelBlocks(repo, refSpec)) {
    const lines = block.toString('utf8').split('\n');
    lines.pop();
    yield* lines;
  }
}
