/**
 * Category ids for a COCO export (layer: formats).
 *
 * Starts from the category list kept by a COCO import (if any) and learns the categories the
 * labels use as the export walks them: a label's `category_id` wins; a label with only a
 * `category` name gets the id of the category of that name, or a new id above every id seen.
 * `list()` is the full list: the kept categories (all their fields) in their order, then the
 * learnt ones by id.
 */
import type { JsonValue } from '../../core/canonical.js';
import type { CocoCategory } from './coco-model.js';

export interface ResolvedCategory {
  readonly id: number | string;
  /** Whether the label's `category` member is just the category's name (then it is not written). */
  readonly nameIsCategory: boolean;
}

export class CocoCategoryIndex {
  private readonly byId = new Map<JsonValue, CocoCategory>();
  private readonly byName = new Map<string, CocoCategory>();
  private readonly learnt: CocoCategory[] = [];
  private maxId = 0;

  constructor(private readonly kept: readonly CocoCategory[]) {
    for (const c of kept) this.remember(c);
  }

  /** The category of a label with these `category_id` and `category` members (either may be absent). */
  resolve(id: JsonValue | undefined, name: JsonValue | undefined): ResolvedCategory | undefined {
    if (typeof id === 'number' || typeof id === 'string') {
      let c = this.byId.get(id);
      if (!c) c = this.learn({ id, name: typeof name === 'string' ? name : String(id) });
      return { id, nameIsCategory: name === c.name };
    }
    if (typeof name !== 'string') return undefined;
    const c = this.byName.get(name) ?? this.learn({ id: this.maxId + 1, name });
    return { id: c.id, nameIsCategory: true };
  }

  list(): CocoCategory[] {
    const learnt = [...this.learnt].sort((a, b) => Number(a.id) - Number(b.id));
    return [...this.kept, ...learnt];
  }

  private learn(c: CocoCategory): CocoCategory {
    this.remember(c);
    this.learnt.push(c);
    return c;
  }

  private remember(c: CocoCategory): void {
    this.byId.set(c.id, c);
    if (!this.byName.has(c.name)) this.byName.set(c.name, c);
    if (typeof c.id === 'number' && c.id > this.maxId) this.maxId = c.id;
  }
}
