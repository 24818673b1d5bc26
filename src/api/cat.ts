/**
 * `verso cat REF`: every label of a snapshot as native JSONL, in key order (layer: api).
 *
 * The labels and reviews trees are scanned side by side (both keyed by (image, label)) and
 * joined; each line is `{"image","label",...content,"review":{...}}`, which `verso import
 * labels` reads back to the same snapshot trees.
 */
import { canonicalObjectMembers, canonicalToJson } from '../core/canonical-json.js';
import { decodeLabelKey } from '../dataset/label-key.js';
import { compareBytes } from '../tree/bytes.js';
import { scan, type Entry } from '../tree/read.js';
import { getCommit } from '../vcs/commit.js';
import { resolveRef } from '../vcs/resolve-ref.js';
import { getSnapshot, treeRoot } from '../vcs/snapshot.js';
import type { Repository } from './repository.js';

/** JSONL lines (without newline) of every label at `refSpec`. */
export async function* catLabels(repo: Repository, refSpec: string): AsyncGenerator<string> {
  const id = await resolveRef(repo.catalog, repo.chunks, refSpec);
  const snap = await getSnapshot(repo.chunks, (await getCommit(repo.chunks, id)).snapshot);
  const reviews = scan(repo.nodes, treeRoot(snap, 'reviews'))[Symbol.asyncIterator]();
  let review: Entry | undefined = (await reviews.next()).value;
  for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'labels'))) {
    while (review && compareBytes(review[0], key) < 0) review = (await reviews.next()).value;
    let reviewJson = '';
    if (review && compareBytes(review[0], key) === 0) {
      reviewJson = `,"review":${canonicalToJson(review[1])}`;
      review = (await reviews.next()).value;
    }
    yield renderLine(key, value, reviewJson);
  }
}

function renderLine(key: Uint8Array, value: Uint8Array, reviewJson: string): string {
  const k = decodeLabelKey(key);
  const members = canonicalObjectMembers(value);
  return `{"image":${JSON.stringify(k.image)},"label":${JSON.stringify(k.label)}${members ? ',' + members : ''}${reviewJson}}`;
}
