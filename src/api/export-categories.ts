/**
 * The one category list of a snapshot as exports see it (layer: api): every export of a
 * snapshot, whatever its filter, writes the same category ids (COCO) and class indices (YOLO:
 * class i is the list's i-th entry), so a train and a test export of one tag agree.
 *
 * The list, first rule that applies:
 * 1. the snapshot is read under a schema (`export --schema X`, else the snapshot's own schema
 *    version): that taxonomy's classes, by id (deprecated ones included, so old labels keep
 *    their index), each with the fields a category of the same id has in the stored list (a
 *    COCO `supercategory`). A label whose class is not in it is left out and counted
 *    (`skipped`): every write path validates labels against the branch's schema, so this is
 *    only ever a label older than the schema;
 * 2. the snapshot's stored category list (the one a format import gave), in its order, then
 *    every other class its labels use (found by one scan of the labels' two class members);
 * 3. no list: the classes the labels use.
 * Classes found by the scan (rules 2 and 3) come in one deterministic order from the whole
 * snapshot, never from the filtered subset: numeric `category_id`s ascending, then string ids,
 * then labels with only a `category` name by name (given ids above every id seen, in that
 * order).
 */
import { selectMembers } from '../core/canonical-members.js';
import type { JsonValue } from '../core/canonical.js';
import { scanLeaves } from '../tree/read.js';
import { treeRoot, type Snapshot } from '../vcs/snapshot.js';
import { categoriesOf, type Category } from './categories.js';
import type { Repository } from './repository.js';
import { SchemaRegistry } from './schema-registry.js';

export interface ExportCategories {
  readonly categories: readonly Category[];
  /** Which rule gave the list: labels of classes outside a `schema` list are left out. */
  readonly source: 'schema' | 'stored' | 'labels';
}

/** The category list of `snap` read as schema `schema` (default: its own version). */
export async function exportCategories(
  repo: Repository,
  snap: Snapshot,
  schema: string | undefined,
): Promise<ExportCategories> {
  const stored = (await categoriesOf(repo, snap)) ?? [];
  const version = schema ?? snap.schema ?? undefined;
  if (version !== undefined) {
    const taxonomy = (await SchemaRegistry.open(repo)).taxonomy(version);
    const extras = new Map(stored.map((c) => [c.id, c]));
    const categories = taxonomy.classes.map((c) => ({
      ...extras.get(c.id),
      id: c.id,
      name: c.name,
      ...(c.keypoints ? { keypoints: [...c.keypoints] } : {}),
      ...(c.skeleton ? { skeleton: c.skeleton.map((pair) => [...pair]) } : {}),
    }));
    return { categories, source: 'schema' };
  }
  const used = await classesUsed(repo, snap, stored);
  return {
    categories: [...stored, ...used],
    source: stored.length > 0 ? 'stored' : 'labels',
  };
}

const CLASS_MEMBERS = ['category_id', 'category'] as const;

/**
 * The classes the labels of `snap` use that `known` lacks, in the order of the module header:
 * one scan of the labels tree reading two members of each label.
 */
async function classesUsed(
  repo: Repository,
  snap: Snapshot,
  known: readonly Category[],
): Promise<Category[]> {
  const ids = new Set<JsonValue>(known.map((c) => c.id));
  const names = new Set(known.map((c) => c.name));
  const byId = new Map<number | string, string>();
  const nameOnly = new Set<string>();
  for await (const leaf of scanLeaves(repo.nodes, treeRoot(snap, 'labels')))
    for (let i = leaf.from; i < leaf.to; i++) {
      const [id, name] = selectMembers(leaf.values[i]!, CLASS_MEMBERS);
      if (typeof id === 'number' || typeof id === 'string') {
        if (!ids.has(id) && !byId.has(id))
          byId.set(id, typeof name === 'string' ? name : String(id));
      } else if (typeof name === 'string' && !names.has(name)) nameOnly.add(name);
    }
  for (const name of byId.values()) nameOnly.delete(name);
  const withIds = [...byId].sort(([a], [b]) => compareIds(a, b));
  let next =
    Math.max(0, ...[...ids, ...byId.keys()].filter((v): v is number => typeof v === 'number')) + 1;
  const named = [...nameOnly].sort(compareText).map((name) => ({ id: next++, name }));
  return [...withIds.map(([id, name]) => ({ id, name })), ...named];
}

function compareIds(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return compareText(a, b);
}

function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
