/**
 * The predictions of an import, packed for the build (layer: api). Each prediction's key and
 * canonical content (`dataset/prediction-line.ts`) are copied into 1 MiB blocks and only what
 * the build and its errors need is kept beside them (its ranking values, image, prediction id,
 * class, file and line) in flat arrays: the parsed line is dropped at once. A million parsed
 * records or a million small buffers kept alive until the build cost more in garbage
 * collection than their parsing; flat arrays of numbers and a few strings cost little.
 *
 * `sortedOrder` sorts indices by key (input already in key order, as files written image by
 * image are, is only checked), drops exact repeats and refuses a key given twice with other
 * content, naming both lines: the order the build adds them in, so the root depends only on the
 * set of predictions, never on the order they were read in.
 */
import { FormatParseError } from '../../core/errors.js';
import { encodePredictionKey, writePredictionContent } from '../../dataset/prediction-line.js';
import { seedlessUncertainties } from '../../dataset/prediction-uncertainty.js';
import { ByteWriter } from '../../core/byte-writer.js';
import type { SourcedPrediction } from './prediction-sources.js';

const BLOCK_BYTES = 1 << 20;

export class PackedPredictions {
  private readonly blocks: Buffer[] = [];
  private block: Buffer = Buffer.alloc(0);
  private used = 0;
  /** Per prediction, 3 numbers: block index, offset in the block, key length. */
  private readonly where: number[] = [];
  /** Per prediction: where its content ends in its block. */
  private readonly ends: number[] = [];
  /** Per prediction, 3 numbers: `seedlessUncertainties` (least-confidence, margin, entropy). */
  private readonly rated: number[] = [];
  private readonly images: string[] = [];
  private readonly predictions: string[] = [];
  private readonly categories: string[] = [];
  private readonly files: string[] = [];
  private readonly lines: number[] = [];
  private readonly scratch = new ByteWriter(1024);

  get size(): number {
    return this.lines.length;
  }

  add({ file, p }: SourcedPrediction): void {
    const key = encodePredictionKey(p);
    this.scratch.reset();
    writePredictionContent(this.scratch, p);
    const value = this.scratch.view();
    const need = key.length + value.length;
    if (this.used + need > this.block.length) {
      this.block = Buffer.allocUnsafeSlow(Math.max(BLOCK_BYTES, need));
      this.blocks.push(this.block);
      this.used = 0;
    }
    this.block.set(key, this.used);
    this.block.set(value, this.used + key.length);
    this.where.push(this.blocks.length - 1, this.used, key.length);
    this.used += need;
    this.ends.push(this.used);
    const [lc, margin, entropy] = seedlessUncertainties(p.record);
    this.rated.push(lc, margin, entropy);
    const n = this.images.length;
    // Repeated strings (an image's other predictions, a file, a class) share one copy.
    this.images.push(n > 0 && this.images[n - 1] === p.image ? this.images[n - 1]! : p.image);
    this.predictions.push(p.prediction);
    this.categories.push(p.category);
    this.files.push(n > 0 && this.files[n - 1] === file ? this.files[n - 1]! : file);
    this.lines.push(p.line);
  }

  key(i: number): Uint8Array {
    const at = this.where[3 * i + 1]!;
    return this.blocks[this.where[3 * i]!]!.subarray(at, at + this.where[3 * i + 2]!);
  }

  value(i: number): Uint8Array {
    const at = this.where[3 * i + 1]! + this.where[3 * i + 2]!;
    return this.blocks[this.where[3 * i]!]!.subarray(at, this.ends[i]!);
  }

  uncertainties(i: number): [number, number, number] {
    return [this.rated[3 * i]!, this.rated[3 * i + 1]!, this.rated[3 * i + 2]!];
  }

  image(i: number): string {
    return this.images[i]!;
  }

  prediction(i: number): string {
    return this.predictions[i]!;
  }

  category(i: number): string {
    return this.categories[i]!;
  }

  /** Indices in key order, exact repeats dropped; throws for a key repeated with other content. */
  sortedOrder(): number[] {
    const order = Array.from({ length: this.size }, (_, i) => i);
    const byKey = (a: number, b: number) => this.compareKeys(a, b);
    let inOrder = true;
    for (let i = 1; i < order.length && inOrder; i++) inOrder = byKey(i - 1, i) < 0;
    if (!inOrder) order.sort(byKey);
    const out: number[] = [];
    for (const i of order) {
      const last = out[out.length - 1];
      if (last !== undefined && byKey(last, i) === 0) {
        if (Buffer.compare(this.value(last), this.value(i)) === 0) continue;
        throw this.conflict(last, i);
      }
      out.push(i);
    }
    return out;
  }

  private compareKeys(a: number, b: number): number {
    const w = this.where;
    const ba = this.blocks[w[3 * a]!]!;
    const bb = this.blocks[w[3 * b]!]!;
    const pa = w[3 * a + 1]!;
    const pb = w[3 * b + 1]!;
    const la = w[3 * a + 2]!;
    const lb = w[3 * b + 2]!;
    const n = la < lb ? la : lb;
    for (let k = 0; k < n; k++) {
      const x = ba[pa + k]!;
      const y = bb[pb + k]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return la === lb ? 0 : la < lb ? -1 : 1;
  }

  private conflict(a: number, b: number): FormatParseError {
    const [first, again] = this.lines[a]! <= this.lines[b]! ? [a, b] : [b, a];
    return new FormatParseError(
      this.files[again]!,
      this.lines[again]!,
      'prediction',
      `prediction '${this.predictions[b]}' of image '${this.images[b]}' is given twice with different content (first at ${this.files[first]}:${this.lines[first]})`,
    );
  }
}
