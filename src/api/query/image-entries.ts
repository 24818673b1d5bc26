/**
 * Reading a tree one image's key range at a time (layer: api), for the joins of a label filter
 * (`prediction-join.ts`, `annotation-join.ts`): while a label scan moves forward, a forward
 * cursor walks the joined tree with it, reading each leaf once; when the labels come from an
 * index (point lookups, images in any order), each image's range is read by a range scan.
 */
import { compareBytes } from '../../tree/bytes.js';
import { scanLeaves, type LeafRun } from '../../tree/read.js';
import type { NodeStore } from '../../tree/node-store.js';

export type Range = { readonly start: Uint8Array; readonly end: Uint8Array };
export type Entry = readonly [key: Uint8Array, value: Uint8Array];

/** Reads the entries of one image's key range; images asked in ascending order ('scan') or any. */
export interface ImageEntries {
  entriesIn(range: Range): Promise<Entry[]>;
}

/** The reader of `root` for a scan from `start` ('scan') or for point lookups ('point'). */
export function imageEntries(
  nodes: NodeStore,
  root: Uint8Array,
  lookup: 'scan' | 'point',
  start?: Uint8Array,
): ImageEntries {
  return lookup === 'scan'
    ? new ForwardRangeCursor(scanLeaves(nodes, root, start ? { start } : {}))
    : new RangeLookup(nodes, root);
}

/** Walks a tree forward; each call takes the entries of the next range asked (ascending). */
export class ForwardRangeCursor implements ImageEntries {
  private run: LeafRun | undefined;
  private i = 0;
  private done = false;

  constructor(private readonly runs: AsyncGenerator<LeafRun>) {}

  async entriesIn(range: Range): Promise<Entry[]> {
    const out: Entry[] = [];
    for (;;) {
      if (!this.run || this.i >= this.run.to) {
        if (this.done) return out;
        const next = await this.runs.next();
        if (next.done) {
          this.done = true;
          return out;
        }
        [this.run, this.i] = [next.value, next.value.from];
        continue;
      }
      const key = this.run.keys[this.i]!;
      if (compareBytes(key, range.start) >= 0) {
        if (compareBytes(key, range.end) >= 0) return out;
        out.push([key, this.run.values[this.i]!]);
      }
      this.i++;
    }
  }
}

/** One range scan per image (labels found by point lookups). */
class RangeLookup implements ImageEntries {
  constructor(
    private readonly nodes: NodeStore,
    private readonly root: Uint8Array,
  ) {}

  async entriesIn(range: Range): Promise<Entry[]> {
    const out: Entry[] = [];
    for await (const run of scanLeaves(this.nodes, this.root, range))
      for (let i = run.from; i < run.to; i++) out.push([run.keys[i]!, run.values[i]!]);
    return out;
  }
}
