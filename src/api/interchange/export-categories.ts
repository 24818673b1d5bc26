/**
 * The one category list of a snapshot as exports see it (layer: api): every export of a
 * snapshot, whatever its filter, writes the same category ids (COCO) and class indices (YOLO:
 * class i is the list's i-th entry), so a train and a test export of one tag agree.
 *
 * The list, first rule that applies:
 * 1. the snapshot is read under a schema (`export --schema X`, else the snapshot's own schema
 *    version): that taxonomy's classes (deprecated ones included, so old labels keep their
 *    index), those the stored list has in its order (so adopting a schema of the same classes
 *    moves no index), then the others by id; each with the fields a category of the same id has
 *    in the stored list (a COCO `supercategory`). A label whose class is not in it is left out and counted
 *    (`skipped`): every write path validates labels against the branch's schema, so this is
 *    only ever a label older than the schema;
 * 2. the snapshot's stored category list (the one a format import gave), in its order, then
 *    every other class its labels use (found by one scan of the labels' two class members);
 * 3. no list: the classes the labels use.
 * "The labels" include the video tracks (each track's class, by name: `trackClasses`), whose
 * boxes COCO and YOLO write frame by frame.
 * Classes found by the scan (rules 2 and 3) come in one deterministic order from the whole
 * snapshot, never from the filtered subset: numeric `category_id`s ascending, then string ids,
 * then labels with only a `category` name by name (given ids above every id seen, in that
 * order); an id that labels name differently is named by the smallest of those names.
 *
 * Cost: rule 1 reads no label. Rules 2 and 3 read two members of every label once: YOLO in
 * `withUsedClasses` before it writes, COCO in the pass over the labels that plans its ids
 * anyway (`UsedClasses`). VOC writes names, not indices, and needs no scan: a label of a class
 * outside the list is written under its own `category` name.
 */
import { selectMembers } from '../../core/canonical-members.js';
import type { JsonValue } from '../../core/canonical.js';
import { scanLeaves } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { categoriesOf, type Category } from '../read/categories.js';
import type { Repository } from '../repository/repository.js';
import { SchemaRegistry } from '../repository/schema-registry.js';
import { trackClasses } from './video-frame-labels.js';

export interface ExportCategories {
  readonly categories: readonly Category[];
  /** Which rule gave the list: labels of classes outside a `schema` list are left out. */
  readonly source: 'schema' | 'stored' | 'labels';
}

/**
 * The list by rule 1 or 2 before the scan: the schema's classes, or the stored list (empty
 * under rule 3). `withUsedClasses` completes it.
 */
export async function baseCategories(
  repo: Repository,
  snap: Snapshot,
  schema: string | undefined,
): Promise<ExportCategories> {
  const stored = (await categoriesOf(repo, snap)) ?? [];
  const version = schema ?? snap.schema ?? undefined;
  if (version === undefined)
    return { categories: stored, source: stored.length > 0 ? 'stored' : 'labels' };
  const taxonomy = (await SchemaRegistry.open(repo)).taxonomy(version);
  const extras = new Map(stored.map((c) => [c.id, c]));
  // The stored list's order first, so adopting a schema of the same classes moves no index.
  const position = new Map(stored.map((c, i) => [c.id, i]));
  const rank = (id: number) => position.get(id) ?? stored.length;
  const classes = [...taxonomy.classes].sort((a, b) => rank(a.id) - rank(b.id) || a.id - b.id);
  const categories = classes.map((c) => ({
    ...extras.get(c.id),
    id: c.id,
    name: c.name,
    ...(c.keypoints ? { keypoints: [...c.keypoints] } : {}),
    ...(c.skeleton ? { skeleton: c.skeleton.map((pair) => [...pair]) } : {}),
  }));
  return { categories, source: 'schema' };
}

/** The complete list: `base`, then (unless it is a schema's) the other classes the labels use. */
export async function withUsedClasses(
  repo: Repository,
  snap: Snapshot,
  base: ExportCategories,
): Promise<readonly Category[]> {
  if (base.source === 'schema') return base.categories;
  const used = new UsedClasses(base.categories);
  for await (const leaf of scanLeaves(repo.nodes, treeRoot(snap, 'labels')))
    for (let i = leaf.from; i < leaf.to; i++) used.add(leaf.values[i]!);
  for await (const cls of trackClasses(repo, snap)) used.add(cls);
  return [...base.categories, ...used.list()];
}

const CLASS_MEMBERS = ['category_id', 'category'] as const;

/**
 * The classes labels use that a list lacks, fed every label's stored bytes (two members read
 * of each), listed in the order of the module header.
 */
export class UsedClasses {
  private readonly ids: Set<JsonValue>;
  private readonly names: Set<string>;
  private readonly byId = new Map<number | string, string>();
  private readonly nameOnly = new Set<string>();

  constructor(known: readonly Category[]) {
    this.ids = new Set<JsonValue>(known.map((c) => c.id));
    this.names = new Set(known.map((c) => c.name));
  }

  add(content: Uint8Array): void {
    const [id, name] = selectMembers(content, CLASS_MEMBERS);
    if (typeof id === 'number' || typeof id === 'string') {
      if (this.ids.has(id)) return;
      // Labels may disagree on an id's name: the smallest one names it, whatever the order.
      const label = typeof name === 'string' ? name : String(id);
      const held = this.byId.get(id);
      if (held === undefined || compareText(label, held) < 0) this.byId.set(id, label);
    } else if (typeof name === 'string' && !this.names.has(name)) this.nameOnly.add(name);
  }

  list(): Category[] {
    const nameOnly = new Set(this.nameOnly);
    for (const name of this.byId.values()) nameOnly.delete(name);
    const withIds = [...this.byId].sort(([a], [b]) => compareIds(a, b));
    const numeric = [...this.ids, ...this.byId.keys()].filter(
      (v): v is number => typeof v === 'number',
    );
    let next = Math.max(0, ...numeric) + 1;
    const named = [...nameOnly].sort(compareText).map((name) => ({ id: next++, name }));
    return [...withIds.map(([id, name]) => ({ id, name })), ...named];
  }
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
