/**
 * The K best items seen, by a caller's total order (layer: influence, pure): a min-heap of at most
 * K items whose root is the worst kept, so a scan of millions of items costs O(n log K) and holds
 * K. Used by `explain`'s influence ranking and `suspects`' self-influence ranking.
 *
 * The caller decides what may enter: `worst()` is the root once K are kept, and `keep` replaces
 * it (or adds, until K are kept); a caller compares with `worst()` first, cheaply, so most items
 * are never built.
 */
export class BoundedHeap<T> {
  private readonly items: T[] = [];

  /** `above(a, b)`: whether a ranks before b (a total order). */
  constructor(
    readonly capacity: number,
    private readonly above: (a: T, b: T) => boolean,
  ) {}

  /** The worst kept item once `capacity` are kept; undefined while there is room. */
  worst(): T | undefined {
    return this.items.length < this.capacity ? undefined : this.items[0];
  }

  /** Adds `item` while there is room, otherwise replaces the worst (the caller checked it ranks above). */
  keep(item: T): void {
    if (this.capacity <= 0) return;
    const { items } = this;
    if (items.length < this.capacity) {
      items.push(item);
      this.up(items.length - 1);
    } else {
      items[0] = item;
      this.down(0);
    }
  }

  /** The kept items, best first. */
  sorted(): T[] {
    return [...this.items].sort((a, b) => (this.above(a, b) ? -1 : 1));
  }

  /** Whether items[a] ranks below items[b] (belongs nearer the root). */
  private below(a: number, b: number): boolean {
    return this.above(this.items[b]!, this.items[a]!);
  }

  private swap(a: number, b: number): void {
    const h = this.items;
    [h[a], h[b]] = [h[b]!, h[a]!];
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.below(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.below(l, m)) m = l;
      if (r < n && this.below(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
