/**
 * Category ids for formats that name classes only (YOLO indices, VOC/CVAT/Label Studio names)
 * (layer: api).
 *
 * A name the branch already knows keeps the branch's `category_id` (so COCO -> YOLO -> Verso
 * gives back the COCO ids); the branch's names come from its schema version's classes when the
 * snapshot has one (the schema decides: its ids are the ones labels must carry), then from the
 * category list kept with the head snapshot (`categories.ts`), and only when a name is missing
 * there from one scan of the branch's labels (`category` -> `category_id`). A new name gets the id the format suggests (the YOLO
 * index) unless another name has it, else the next id above every id in use. `list()` is the
 * kept list plus the new categories, stored with the import's snapshot.
 */
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { scan } from '../../tree/read.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import { categoriesOf, type Category } from '../read/categories.js';
import type { Repository } from '../repository/repository.js';
import { labelSchemaOf } from '../repository/schema-registry.js';

export class CategoryIds {
  private readonly byName = new Map<string, number | string>();
  private readonly used = new Set<number | string>();
  private readonly added: Category[] = [];
  private maxId = 0;
  private scanned = false;

  private constructor(
    private readonly repo: Repository,
    private readonly snap: Snapshot,
    private readonly kept: readonly Category[],
    schemaClasses: readonly { readonly id: number; readonly name: string }[],
  ) {
    for (const c of schemaClasses) this.remember(c.name, c.id);
    for (const c of kept) this.remember(c.name, c.id);
  }

  static async forBranch(repo: Repository, snap: Snapshot): Promise<CategoryIds> {
    const schema = await labelSchemaOf(repo, snap.schema);
    return new CategoryIds(
      repo,
      snap,
      (await categoriesOf(repo, snap)) ?? [],
      schema?.taxonomy.classes ?? [],
    );
  }

  /** The id of class `name`; `suggested` is the format's own number for it, if any. */
  async idFor(name: string, suggested?: number): Promise<number | string> {
    let id = this.byName.get(name);
    if (id === undefined && !this.scanned) {
      await this.scanLabels();
      id = this.byName.get(name);
    }
    if (id !== undefined) return id;
    id = suggested !== undefined && !this.used.has(suggested) ? suggested : this.maxId + 1;
    this.remember(name, id);
    this.added.push({ id, name });
    return id;
  }

  /** Whether the import named classes the kept list lacks. */
  get changed(): boolean {
    return this.added.length > 0;
  }

  list(): Category[] {
    return [...this.kept, ...this.added];
  }

  private remember(name: string, id: number | string): void {
    if (!this.byName.has(name)) this.byName.set(name, id);
    this.used.add(id);
    if (typeof id === 'number' && id > this.maxId) this.maxId = id;
  }

  private async scanLabels(): Promise<void> {
    this.scanned = true;
    for await (const [, value] of scan(this.repo.nodes, treeRoot(this.snap, 'labels'))) {
      const c = decodeValue(value) as { [k: string]: JsonValue };
      const [id, name] = [c['category_id'], c['category']];
      if (typeof name === 'string' && (typeof id === 'number' || typeof id === 'string'))
        if (!this.byName.has(name)) this.remember(name, id);
    }
  }
}
