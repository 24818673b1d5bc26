/**
 * Streaming writer of COCO instances JSON (layer: formats).
 *
 * The caller walks the snapshot in key order and hands over records; the writer renders each as
 * one element and writes through a 1 MiB buffer (never one big string):
 * `{"info":..,"images":[..],"annotations":[..],"categories":[..]}`. Categories come last
 * because labels may name categories the kept list lacks (`coco-categories.ts`); COCO readers do
 * not depend on member order. Mapping (inverse of `read-coco.ts`):
 * - image: `{id, ...asset record}` without Verso's own fields (`source_id`, `storage`, `uri`);
 * - annotation: `{id, image_id, category_id, ...content, review}`; `category` is left out when
 *   it is the category's name.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { JsonValue } from '../../core/canonical.js';
import { CocoCategoryIndex } from './coco-categories.js';
import { VERSO_ASSET_FIELDS, type CocoCategory } from './coco-model.js';

type Obj = { readonly [k: string]: JsonValue };

const FLUSH_BYTES = 1 << 20;

export class CocoWriter {
  private readonly fd: number;
  private buf = '';
  private section: 'images' | 'annotations' | null = null;
  private first = true;
  private readonly categories: CocoCategoryIndex;

  constructor(file: string, kept: readonly CocoCategory[], info: Obj) {
    this.fd = openSync(file, 'w');
    this.categories = new CocoCategoryIndex(kept);
    this.buf = `{"info":${JSON.stringify(info)}`;
  }

  image(id: number | string, record: Obj): void {
    this.open('images');
    const img: { [k: string]: JsonValue } = { id };
    for (const k in record) if (!VERSO_ASSET_FIELDS.has(k)) img[k] = record[k]!;
    this.element(JSON.stringify(img));
  }

  annotation(id: number | string, imageId: number | string, content: Obj, review?: Obj): void {
    this.open('annotations');
    const cat = this.categories.resolve(content);
    const a: { [k: string]: JsonValue } = { id, image_id: imageId };
    if (cat) a['category_id'] = cat.id;
    for (const k in content)
      if (k !== 'category_id' && !(k === 'category' && cat?.nameIsCategory)) a[k] = content[k]!;
    if (review) a['review'] = review;
    this.element(JSON.stringify(a));
  }

  /** Writes the categories, closes the document and the file. */
  end(): void {
    this.open('annotations');
    this.buf += `\n],\n"categories":[\n${this.categories
      .list()
      .map((c) => JSON.stringify(c))
      .join(',\n')}\n]}\n`;
    this.flush();
    closeSync(this.fd);
  }

  /** Closes the file without finishing the document (after an error). */
  abort(): void {
    closeSync(this.fd);
  }

  /** Moves forward to `section` (images, then annotations), opening the arrays on the way. */
  private open(section: 'images' | 'annotations'): void {
    while (this.section !== section) {
      if (this.section === 'annotations') throw new Error('COCO images come before annotations');
      if (this.section !== null) this.buf += '\n]';
      this.section = this.section === null ? 'images' : 'annotations';
      this.buf += `,\n"${this.section}":[`;
      this.first = true;
    }
  }

  private element(s: string): void {
    this.buf += (this.first ? '\n' : ',\n') + s;
    this.first = false;
    if (this.buf.length >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    const bytes = Buffer.from(this.buf, 'utf8');
    this.buf = '';
    for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off);
  }
}
