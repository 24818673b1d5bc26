/**
 * `verso verify [REF]`: recomputes the hash of every chunk reachable from REF (or from every
 * ref), and checks the tree structure: keys strictly increasing, each child's entry count and
 * last key as its parent records them, each category list decodes (layer: api). Problems are
 * collected, not thrown, so one run reports them all. With `assets`, also the bytes behind every
 * asset record (`verify-assets.ts`), when the chunks themselves are sound.
 */
import { hashToHex, sha256, type ChunkHash } from '../../core/hash.js';
import { bytesEqual, compareBytes } from '../../tree/bytes.js';
import { decodeCategoryList } from '../../vcs/category-list.js';
import { walkReachable, type ReachableChunk } from '../../vcs/reachable.js';
import { derivedRoots } from './derived-roots.js';
import { liveRoots } from './live-roots.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { throttled, type ProgressFn } from '../repository/progress.js';
import type { Repository } from '../repository/repository.js';
import { verifyAssets, type VerifyAssetsResult } from './verify-assets.js';

export interface VerifyProblem {
  readonly id: ChunkHash;
  readonly kind: string;
  readonly problem: string;
}

export interface VerifyResult {
  readonly roots: readonly string[];
  readonly chunks: number;
  readonly bytes: number;
  readonly problems: readonly VerifyProblem[];
  /** Present when asked for (`verso verify --assets`). */
  readonly assets?: VerifyAssetsResult;
}

export async function verifyRepository(
  repo: Repository,
  refSpec?: string,
  onProgress?: ProgressFn,
  opts: { readonly assets?: boolean } = {},
): Promise<VerifyResult> {
  const roots = refSpec ? [refSpec] : (await repo.catalog.listRefs()).map((r) => r.name);
  const commits = await Promise.all(roots.map((r) => resolveRef(repo.catalog, repo.chunks, r)));
  // Without a ref, everything gc keeps: also runs, slices, pending merges and derived trees.
  const live = refSpec ? undefined : await liveRoots(repo);
  const problems: VerifyProblem[] = [];
  const progress = throttled(onProgress, 'verify', 10_000);
  let chunks = 0;
  let bytes = 0;
  const seen = new Set<string>();
  const check = async (walk: AsyncIterable<ReachableChunk>) => {
    for await (const c of walk) {
      chunks++;
      bytes += c.bytes?.length ?? 0;
      for (const problem of checkChunk(c)) problems.push({ id: c.id, kind: c.kind, problem });
      progress.tick(chunks);
    }
  };
  if (live) {
    await check(walkReachable(repo.chunks, [...commits, ...live.commits], seen, live.others));
    const derived = await derivedRoots(repo, seen);
    await check(walkReachable(repo.chunks, [], seen, derived.live));
  } else await check(walkReachable(repo.chunks, commits, seen));
  progress.end(chunks);
  // Asset records are read from the trees just checked: only when those are sound.
  if (!opts.assets || problems.length > 0) return { roots, chunks, bytes, problems };
  return { roots, chunks, bytes, problems, assets: await verifyAssets(repo, roots, onProgress) };
}

function checkChunk(c: ReachableChunk): string[] {
  if (!c.bytes) return [c.damage ?? 'missing'];
  const out: string[] = [];
  if (hashToHex(sha256(c.bytes)) !== c.id) out.push('content does not match its hash');
  if (c.kind === 'categories') {
    try {
      decodeCategoryList(c.bytes, c.id);
    } catch (e) {
      out.push((e as Error).message);
    }
  }
  const node = c.node;
  if (!node) return out;
  for (let i = 1; i < node.keys.length; i++) {
    if (compareBytes(node.keys[i - 1]!, node.keys[i]!) >= 0) {
      out.push(`keys not strictly increasing at item ${i}`);
      break;
    }
  }
  if (c.expected) {
    if (c.expected.total !== node.total)
      out.push(`parent records ${c.expected.total} entries, node holds ${node.total}`);
    const last = node.keys[node.keys.length - 1];
    if (!last || !bytesEqual(last, c.expected.lastKey))
      out.push('last key differs from the key its parent records');
  }
  return out;
}
