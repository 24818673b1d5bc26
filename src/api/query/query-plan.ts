/**
 * The query planner (layer: api): prices a filter's access paths (`query/access-path.ts`) on the
 * snapshot's real indexes and change sets, picks the cheapest, and produces its candidate keys.
 *
 * Price = how many labels a path yields, from range counts on the index trees (O(depth) each,
 * never a scan): an index path is used when it yields at most `INDEX_SELECTIVITY` of the
 * snapshot's labels (past that, point lookups cost more than one sequential scan), else the
 * scan. When the filter is a single exact comparison on a label field, the count alone answers
 * `count` (no lookups at all). `describePlan` is what `--explain` prints.
 */
import { hashToHex } from '../../core/hash.js';
import { decodeTuple } from '../../core/tuple.js';
import { imageLabelRange } from '../../dataset/label-key.js';
import { countOverlay, scanOverlayKeys } from '../../tree/overlay.js';
import { countEntries, countRange, scanLeaves } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { AccessPath } from '../../query/access-path.js';
import type { Expr } from '../../query/ast.js';
import { changeSetName } from '../../query/evaluate.js';
import { sourceKeyOf } from '../../query/index-entries.js';
import type { Repository } from '../repository/repository.js';
import { indexOf } from './tree-index.js';

/** Largest share of the labels an index path may yield and still beat the scan. */
export const INDEX_SELECTIVITY = 0.1;

export interface QueryPlan {
  readonly access: 'scan' | 'index';
  /** Labels in the snapshot. */
  readonly total: number;
  /** Labels the chosen path yields (before the filter is evaluated on them); scan: total. */
  readonly candidates: number;
  /** The answer of `count`, when the index alone gives it (whatever `access` says about reading labels). */
  readonly exactCount?: number;
  /** One line per decision, for `--explain`. */
  readonly steps: readonly string[];
  readonly path?: AccessPath;
}

type ChangeSets = ReadonlyMap<string, ReadonlySet<string>>;

interface Priced {
  readonly path: AccessPath;
  readonly candidates: number;
  readonly steps: string[];
}

export async function planQuery(
  repo: Repository,
  snap: Snapshot,
  ast: Expr,
  path: AccessPath | undefined,
  changeSets: ChangeSets,
): Promise<QueryPlan> {
  const total = await countEntries(repo.nodes, treeRoot(snap, 'labels'));
  if (!path)
    return {
      access: 'scan',
      total,
      candidates: total,
      steps: ['no part of the filter can use an index or a change set: scan'],
    };
  const priced = await price(repo, snap, path, changeSets, total);
  const steps = [...priced.steps];
  const single = ast.type !== 'and' && ast.type !== 'or';
  const p = priced.path;
  const exactCount =
    single &&
    p.type === 'index' &&
    p.exact &&
    p.field.tree === 'labels' &&
    Number.isFinite(priced.candidates)
      ? priced.candidates
      : undefined;
  const limit = Math.max(1, Math.floor(total * INDEX_SELECTIVITY));
  const common = { total, steps, ...(exactCount !== undefined ? { exactCount } : {}) };
  if (!Number.isFinite(priced.candidates) || priced.candidates > limit) {
    steps.push(
      Number.isFinite(priced.candidates)
        ? `reading labels: ${priced.candidates} candidates > ${limit} (${INDEX_SELECTIVITY * 100}% of ${total}): scan`
        : 'reading labels: scan',
    );
    return { access: 'scan', candidates: total, ...common };
  }
  steps.push(
    `reading labels: look up ${priced.candidates} candidates, evaluate the filter on each`,
  );
  return { access: 'index', candidates: priced.candidates, path: p, ...common };
}

async function price(
  repo: Repository,
  snap: Snapshot,
  p: AccessPath,
  changeSets: ChangeSets,
  total: number,
): Promise<Priced> {
  switch (p.type) {
    case 'index': {
      const tree = p.field.tree;
      const source = treeRoot(snap, tree);
      const index = await indexOf(repo, tree, source);
      if (!index)
        return {
          path: p,
          candidates: Infinity,
          steps: [
            `${p.text}: no index of the ${tree} tree ${hashToHex(source).slice(0, 12)} (none built)`,
          ],
        };
      let n = 0;
      for (const r of p.ranges) n += await countOverlay(repo.nodes, index, r);
      if (tree === 'splits') {
        const images = Math.max(1, await countEntries(repo.nodes, treeRoot(snap, 'splits')));
        const perImage = total / images;
        const estimate = Math.ceil(n * perImage);
        return {
          path: p,
          candidates: estimate,
          steps: [`${p.text}: index of splits: ${n} images, ~${estimate} labels`],
        };
      }
      return { path: p, candidates: n, steps: [`${p.text}: index of ${tree}: ${n} entries`] };
    }
    case 'changes': {
      const n = changeSets.get(changeSetName(p.tree, p.ref))?.size ?? Infinity;
      const name = p.tree === 'labels' ? 'changed_since' : 'review_changed_since';
      return { path: p, candidates: n, steps: [`${name}(${p.ref}): change set of ${n} keys`] };
    }
    case 'image': {
      const n = await countRange(repo.nodes, treeRoot(snap, 'labels'), imageLabelRange(p.image));
      return { path: p, candidates: n, steps: [`image = ${p.image}: ${n} labels`] };
    }
    case 'union': {
      const parts = await Promise.all(p.parts.map((x) => price(repo, snap, x, changeSets, total)));
      return {
        path: { type: 'union', parts: parts.map((x) => x.path) },
        candidates: parts.reduce((s, x) => s + x.candidates, 0),
        steps: [...parts.flatMap((x) => x.steps), 'or: the union of both'],
      };
    }
    case 'any': {
      const options = await Promise.all(
        p.options.map((x) => price(repo, snap, x, changeSets, total)),
      );
      const best = options.reduce((a, b) => (b.candidates < a.candidates ? b : a));
      return {
        path: best.path,
        candidates: best.candidates,
        steps: [...options.flatMap((x) => x.steps), `and: the cheapest part (${best.candidates})`],
      };
    }
  }
}

/** The label keys a planned path yields, ascending and unique. */
export async function candidateKeys(
  repo: Repository,
  snap: Snapshot,
  p: AccessPath,
  changeSets: ChangeSets,
): Promise<Uint8Array[]> {
  const keys: Uint8Array[] = [];
  await collect(repo, snap, p, changeSets, keys);
  return sortedUnique(keys);
}

async function collect(
  repo: Repository,
  snap: Snapshot,
  p: AccessPath,
  changeSets: ChangeSets,
  out: Uint8Array[],
): Promise<void> {
  const labels = treeRoot(snap, 'labels');
  const rangeKeys = async (root: Uint8Array, range: { start: Uint8Array; end: Uint8Array }) => {
    const found: Uint8Array[] = [];
    for await (const run of scanLeaves(repo.nodes, root, range))
      for (let i = run.from; i < run.to; i++) found.push(run.keys[i]!);
    return found;
  };
  switch (p.type) {
    case 'index': {
      const index = (await indexOf(repo, p.field.tree, treeRoot(snap, p.field.tree)))!;
      for (const r of p.ranges) {
        for await (const k of scanOverlayKeys(repo.nodes, index, r)) {
          const source = sourceKeyOf(k);
          if (p.field.tree !== 'splits') out.push(source);
          else out.push(...(await rangeKeys(labels, imageLabelRange(decodeTuple(source)[0]!))));
        }
      }
      return;
    }
    case 'changes':
      for (const id of changeSets.get(changeSetName(p.tree, p.ref)) ?? [])
        out.push(Buffer.from(id, 'latin1'));
      return;
    case 'image':
      out.push(...(await rangeKeys(labels, imageLabelRange(p.image))));
      return;
    case 'union':
      for (const part of p.parts) await collect(repo, snap, part, changeSets, out);
      return;
    case 'any':
      throw new Error('a planned path never has alternatives left');
  }
}

function sortedUnique(keys: Uint8Array[]): Uint8Array[] {
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++)
    ordered = Buffer.compare(keys[i - 1]!, keys[i]!) < 0;
  if (ordered) return keys;
  keys.sort(Buffer.compare);
  return keys.filter((k, i) => i === 0 || Buffer.compare(keys[i - 1]!, k) !== 0);
}
