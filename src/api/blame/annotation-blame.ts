/**
 * `verso blame IMAGE [OBJECT] --annotations` (layer: api, issue 18): for each annotator's
 * labeling of an object of an image at a ref, the commit that introduced it and the last commit
 * that changed it, with the annotator's own label id and annotation time.
 *
 * The first-parent history is walked from the ref back, as `git blame --first-parent` does (a
 * change merged in is the merge's). A labeling is the object's reference plus the annotator's
 * delta, compared as content (`sameLabeling`): for each commit whose
 * `objects` or `annotations` root differs from its parent's, the image's entries of the two
 * trees are read (one key range each) and compared; the labelings whose entries the parent
 * lacks were introduced there, those whose entries differ were changed there (if no later
 * commit did). Commits that touch no annotation cost two root comparisons. The walk ends when
 * every labeling has its introduction (at worst, at the root commit).
 */
import {
  decodeAnnotation,
  decodeAnnotationKey,
  decodeReference,
  labelingOf,
  TIME_MEMBER,
} from '../../dataset/annotation-record.js';
import { encodeValue } from '../../core/canonical.js';
import { decodeLabelKey, imageLabelRange } from '../../dataset/label-key.js';
import { bytesEqual } from '../../tree/bytes.js';
import { scan } from '../../tree/read.js';
import { getCommit } from '../../vcs/commit.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { snapshotAtRef, snapshotOfCommit } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';
import { AnnotationNotFoundError } from './blame-errors.js';
import { blameCommit, type BlameCommitWithMessage } from './track-blame.js';

export interface AnnotationBlameQuery {
  readonly ref: string;
  readonly image: string;
  /** One object; every object of the image when absent. */
  readonly object?: string;
}

export interface AnnotationBlame {
  readonly image: string;
  readonly object: string;
  readonly annotator: string;
  /** The annotator's own label id (the object id unless it was another). */
  readonly label: string;
  readonly annotated_at: string | null;
  readonly introduced: BlameCommitWithMessage;
  readonly changed: BlameCommitWithMessage;
}

/** An image's entries of the objects and annotations trees, by key (hex of the key bytes). */
interface ImageEntries {
  readonly objects: Map<string, Uint8Array>;
  readonly annotations: Map<string, { key: Uint8Array; value: Uint8Array }>;
}

export async function annotationBlame(
  repo: Repository,
  q: AnnotationBlameQuery,
): Promise<AnnotationBlame[]> {
  const { commit: head, snap } = await snapshotAtRef(repo, q.ref);
  const now = await imageEntries(repo, snap, q);
  if (now.annotations.size === 0) throw new AnnotationNotFoundError(q.ref, q.image, q.object);
  const introduced = new Map<string, BlameCommitWithMessage>();
  const changed = new Map<string, BlameCommitWithMessage>();
  let id = head;
  let commit = await getCommit(repo.chunks, id);
  let current = snap;
  while (introduced.size < now.annotations.size) {
    const by = blameCommit(id, commit);
    const parentId = commit.parents[0];
    if (parentId === undefined) {
      for (const k of now.annotations.keys()) settle(k, by);
      break;
    }
    const parent = await snapshotOfCommit(repo, parentId);
    if (touchesAnnotations(parent, current)) {
      const before = await imageEntries(repo, parent, q);
      for (const [k, { key }] of now.annotations) {
        if (introduced.has(k)) continue;
        const was = before.annotations.get(k);
        if (!was) settle(k, by);
        else if (!changed.has(k) && !sameLabeling(now, before, k, key)) changed.set(k, by);
      }
    }
    [id, commit, current] = [parentId, await getCommit(repo.chunks, parentId), parent];
  }
  return [...now.annotations].map(([k, { key, value }]) => {
    const { image, object, annotator } = decodeAnnotationKey(key);
    const a = decodeAnnotation(value);
    const at = a.at ?? a.replace?.[TIME_MEMBER];
    return {
      image,
      object,
      annotator,
      label: a.label ?? object,
      annotated_at: typeof at === 'string' ? at : null,
      introduced: introduced.get(k)!,
      changed: changed.get(k)!,
    };
  });

  function settle(k: string, by: BlameCommitWithMessage): void {
    introduced.set(k, by);
    if (!changed.has(k)) changed.set(k, by);
  }
}

async function imageEntries(
  repo: Repository,
  snap: Snapshot,
  q: AnnotationBlameQuery,
): Promise<ImageEntries> {
  const range = imageLabelRange(q.image);
  const objects = new Map<string, Uint8Array>();
  for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'objects'), range)) {
    const { label: object } = decodeLabelKey(key);
    if (q.object === undefined || object === q.object) objects.set(object, value);
  }
  const annotations = new Map<string, { key: Uint8Array; value: Uint8Array }>();
  for await (const [key, value] of scan(repo.nodes, treeRoot(snap, 'annotations'), range)) {
    const { object } = decodeAnnotationKey(key);
    if (q.object === undefined || object === q.object)
      annotations.set(Buffer.from(key).toString('hex'), { key, value });
  }
  return { objects, annotations };
}

/**
 * Whether the labeling of annotation `k` is the same in both, as `cat --annotator` reads it:
 * equal reference and delta bytes are (the fast path); otherwise the labelings are rebuilt and
 * compared, since a schema migration rewrites a reference and re-derives the deltas, and an
 * annotator whose labeling it did not touch may then be stored as another (reference, delta).
 */
function sameLabeling(a: ImageEntries, b: ImageEntries, k: string, key: Uint8Array): boolean {
  const { object } = decodeAnnotationKey(key);
  const [ra, rb] = [a.objects.get(object), b.objects.get(object)];
  const [da, db] = [a.annotations.get(k)!.value, b.annotations.get(k)!.value];
  if (ra === undefined || rb === undefined) return false;
  if (bytesEqual(ra, rb) && bytesEqual(da, db)) return true;
  return bytesEqual(labelingBytes(ra, da, object), labelingBytes(rb, db, object));
}

/** A labeling's content and the annotator's own label id, canonically encoded. */
function labelingBytes(reference: Uint8Array, delta: Uint8Array, object: string): Uint8Array {
  const annotation = decodeAnnotation(delta);
  const content = labelingOf(decodeReference(reference), annotation);
  return encodeValue([content, annotation.label ?? object]);
}

function touchesAnnotations(a: Snapshot, b: Snapshot): boolean {
  return (
    !bytesEqual(treeRoot(a, 'annotations'), treeRoot(b, 'annotations')) ||
    !bytesEqual(treeRoot(a, 'objects'), treeRoot(b, 'objects'))
  );
}
