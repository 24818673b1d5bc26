/**
 * Category ids for a COCO export (layer: formats).
 *
 * The list is fixed before the export starts (the snapshot's one category list, the same for
 * every export of it whatever the filter): a label's `category_id` names its category; a label
 * with only a `category` name gets the id of the category of that name. A label whose class is
 * not in the list resolves to `unknown` (the exporter leaves it out and counts it); a label with
 * no class at all resolves to undefined (written without a `category_id`). `list()` is the
 * list, all fields, in its order.
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

  constructor(private readonly kept: readonly CocoCategory[]) {
    for (const c of kept) {
      if (!this.byId.has(c.id)) this.byId.set(c.id, c);
      if (!this.byName.has(c.name)) this.byName.set(c.name, c);
    }
  }

  /** The category of a label with these `category_id` and `category` members (either may be absent). */
  resolve(
    id: JsonValue | undefined,
    name: JsonValue | undefined,
  ): ResolvedCategory | 'unknown' | undefined {
    if (typeof id === 'number' || typeof id === 'string') {
      const c = this.byId.get(id);
      return c ? { id, nameIsCategory: name === c.name } : 'unknown';
    }
    if (typeof name !== 'string') return undefined;
    const c = this.byName.get(name);
    return c ? { id: c.id, nameIsCategory: true } : 'unknown';
  }

  list(): readonly CocoCategory[] {
    return this.kept;
  }
}
