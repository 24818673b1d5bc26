/**
 * `verso blame IMAGE [LABEL]` (layer: api): for each label of an image at a ref, the commit
 * that introduced it, the last commit that changed it, its annotator, and its review with the
 * commit that last changed that; for a label a model proposed (`predict promote`), its
 * `proposed_by` (model, prediction set, prediction, score).
 *
 * Reads the commit's blame tree (`blame-step.ts`): a range scan over the image's keys (or one
 * point get), point lookups in the commit's labels and reviews trees, and the metadata of each
 * distinct commit named. No history walk per query: a commit without a blame root is caught
 * up once (`blame-catch-up.ts`, under a writer lease) and every later query reads it directly.
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { CorruptionError } from '../../core/errors.js';
import { LabelNotFoundError } from './blame-errors.js';
import { hexToHash, type ChunkHash } from '../../core/hash.js';
import { decodeBlameEntry, type BlameEntry } from '../../dataset/blame-entry.js';
import { decodeLabelKey, encodeLabelKey, imageLabelRange } from '../../dataset/label-key.js';
import { getValue, scan, type Entry } from '../../tree/read.js';
import { getCommit } from '../../vcs/commit.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { ensureBlameRoot } from './blame-catch-up.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';
import { withLease } from '../repository/lease.js';
import type { Repository } from '../repository/repository.js';

export interface BlameQuery {
  readonly ref: string;
  readonly image: string;
  /** One label; all labels of the image when absent. */
  readonly label?: string;
}

export interface BlameCommit {
  readonly commit: ChunkHash;
  readonly author: string;
  readonly time: string;
}

export interface LabelBlame {
  readonly image: string;
  readonly label: string;
  readonly introduced: BlameCommit & { readonly message: string };
  readonly changed: BlameCommit;
  /** From the label content (null when the label has none). */
  readonly annotator: JsonValue;
  readonly annotated_at: JsonValue;
  /** The model that proposed the label (`predict promote`), from its content; null for others. */
  readonly proposed_by: JsonValue;
  /** null while the label has no review. */
  readonly review: {
    readonly status: JsonValue;
    readonly reviewer: JsonValue;
    readonly reviewed_at: JsonValue;
    readonly commit: ChunkHash;
    readonly time: string;
  } | null;
}

export async function blame(repo: Repository, q: BlameQuery): Promise<LabelBlame[]> {
  const commit = await resolveRef(repo.catalog, repo.chunks, q.ref);
  const root =
    (await repo.catalog.derived.getBlameRoot(commit)) ??
    (await withLease(repo, 'writer', () => ensureBlameRoot(repo, commit)));
  const entries = await blameEntries(repo, hexToHash(root), q);
  const snapshot = await snapshotOfCommit(repo, commit);
  const commits = new CommitInfoCache(repo);
  const out: LabelBlame[] = [];
  for (const [key, value] of entries) out.push(await describe(repo, snapshot, commits, key, value));
  return out;
}

async function blameEntries(repo: Repository, root: Uint8Array, q: BlameQuery): Promise<Entry[]> {
  if (q.label !== undefined) {
    const key = encodeLabelKey(q.image, q.label);
    const value = await getValue(repo.nodes, root, key);
    if (!value) throw new LabelNotFoundError(q.ref, q.image, q.label);
    return [[key, value]];
  }
  const entries: Entry[] = [];
  for await (const e of scan(repo.nodes, root, imageLabelRange(q.image))) entries.push(e);
  if (entries.length === 0) throw new LabelNotFoundError(q.ref, q.image);
  return entries;
}

async function describe(
  repo: Repository,
  snapshot: Snapshot,
  commits: CommitInfoCache,
  key: Uint8Array,
  value: Uint8Array,
): Promise<LabelBlame> {
  const { image, label } = decodeLabelKey(key);
  const e: BlameEntry = decodeBlameEntry(value);
  const content = await readObject(repo, treeRoot(snapshot, 'labels'), key);
  const review = await readObject(repo, treeRoot(snapshot, 'reviews'), key);
  const introduced = await commits.get(e.introduced);
  const changed = await commits.get(e.changed);
  const reviewed = review && e.review !== undefined ? await commits.get(e.review) : undefined;
  return {
    image,
    label,
    introduced: {
      commit: introduced.commit,
      author: introduced.author,
      time: introduced.time,
      message: introduced.message,
    },
    changed: { commit: changed.commit, author: changed.author, time: changed.time },
    annotator: content?.['annotator'] ?? null,
    annotated_at: content?.['annotated_at'] ?? null,
    proposed_by: content?.['proposed_by'] ?? null,
    review:
      review && reviewed
        ? {
            status: review['status'] ?? null,
            reviewer: review['reviewer'] ?? null,
            reviewed_at: review['reviewed_at'] ?? null,
            commit: reviewed.commit,
            time: reviewed.time,
          }
        : null,
  };
}

async function readObject(
  repo: Repository,
  root: Uint8Array,
  key: Uint8Array,
): Promise<Readonly<Record<string, JsonValue>> | undefined> {
  const bytes = await getValue(repo.nodes, root, key);
  if (!bytes) return undefined;
  const v = decodeValue(bytes);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

interface CommitInfo extends BlameCommit {
  readonly message: string;
}

/** Commit metadata by commit number, each distinct commit read once per query. */
class CommitInfoCache {
  private readonly byNumber = new Map<number, Promise<CommitInfo>>();

  constructor(private readonly repo: Repository) {}

  get(n: number): Promise<CommitInfo> {
    let p = this.byNumber.get(n);
    if (!p) {
      p = this.load(n);
      this.byNumber.set(n, p);
    }
    return p;
  }

  private async load(n: number): Promise<CommitInfo> {
    const commit = await this.repo.catalog.derived.commitOfNumber(n);
    if (!commit) throw new CorruptionError(`blame names commit number ${n}, which is not recorded`);
    const c = await getCommit(this.repo.chunks, commit);
    return { commit, author: c.author, time: c.time, message: c.message };
  }
}
