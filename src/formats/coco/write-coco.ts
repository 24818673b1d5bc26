/**
 * Streaming writer of COCO instances JSON (layer: formats).
 *
 * The caller walks the snapshot in key order and hands over records; the writer renders each as
 * one element into a byte buffer flushed every 1 MiB (never one big string). Annotations are
 * rendered straight from their stored canonical bytes (`core/canonical-json.ts`): only
 * `category_id`/`category` are read, no label is decoded into objects. The document is
 * `{"info":..,"images":[..],"annotations":[..],"categories":[..]}`. Categories come last
 * because labels may name categories the kept list lacks (`coco-categories.ts`); COCO readers do
 * not depend on member order. Mapping (inverse of `read-coco.ts`):
 * - image: `{id, ...asset record}` without Verso's own fields (`source_id`, `storage`, `uri`);
 *   the file's own `sha256`/`storage`, kept as `source_sha256`/`source_storage`, go back under
 *   their names (a hash Verso verified wins);
 * - annotation: `{id, image_id, category_id, ...content, review}`; `category` is left out when
 *   it is the category's name.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { JsonValue } from '../../core/canonical.js';
import { JsonBytes, renderJson, renderObjectMembersExcept } from '../../core/canonical-json.js';
import { selectMembers } from '../../core/canonical-members.js';
import { CocoCategoryIndex } from './coco-categories.js';
import { VERSO_ASSET_FIELDS, type CocoCategory } from './coco-model.js';

type Obj = { readonly [k: string]: JsonValue };

const FLUSH_BYTES = 1 << 20;

const CATEGORY_MEMBERS = ['category_id', 'category'] as const;
const SOURCE_NAMES = new Map([
  ['source_sha256', 'sha256'],
  ['source_storage', 'storage'],
]);
const SKIP_ID = new Set(['category_id']);
const SKIP_ID_AND_NAME = new Set(['category_id', 'category']);

export class CocoWriter {
  private readonly fd: number;
  private readonly out = new JsonBytes();
  private section: 'images' | 'annotations' | null = null;
  private first = true;
  private readonly categories: CocoCategoryIndex;

  constructor(file: string, kept: readonly CocoCategory[], info: Obj) {
    this.fd = openSync(file, 'w');
    this.categories = new CocoCategoryIndex(kept);
    this.out.text(`{"info":${JSON.stringify(info)}`);
  }

  image(id: number | string, record: Obj): void {
    this.open('images');
    const img: { [k: string]: JsonValue } = { id };
    for (const k in record) {
      if (VERSO_ASSET_FIELDS.has(k)) continue;
      // `import coco` keeps the file's own (unverified) hash and storage under source_ names.
      const name = SOURCE_NAMES.get(k) ?? k;
      if (!(name in img)) img[name] = record[k]!;
    }
    this.separator();
    this.out.text(JSON.stringify(img));
    this.flushIfFull();
  }

  /**
   * `{id, image_id, category_id, ...content, review}` from the label's and review's canonical
   * bytes; `category` is left out when it is just the category's name.
   */
  annotation(id: number, imageId: number, content: Uint8Array, review?: Uint8Array): void {
    this.open('annotations');
    const [catId, catName] = selectMembers(content, CATEGORY_MEMBERS);
    const cat = this.categories.resolve(catId, catName);
    const out = this.out;
    this.separator();
    out.ascii('{"id":');
    out.digits(id);
    out.ascii(',"image_id":');
    out.digits(imageId);
    if (cat) out.text(`,"category_id":${JSON.stringify(cat.id)}`);
    const mark = out.length;
    out.byte(0x2c);
    const written = renderObjectMembersExcept(
      content,
      out,
      cat?.nameIsCategory ? SKIP_ID_AND_NAME : SKIP_ID,
    );
    if (written === 0) out.truncate(mark);
    if (review) {
      out.ascii(',"review":');
      renderJson(review, out);
    }
    out.byte(0x7d);
    this.flushIfFull();
  }

  /** Writes the categories, closes the document and the file. */
  end(): void {
    this.open('annotations');
    this.out.text(
      `\n],\n"categories":[\n${this.categories
        .list()
        .map((c) => JSON.stringify(c))
        .join(',\n')}\n]}\n`,
    );
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
      if (this.section !== null) this.out.ascii('\n]');
      this.section = this.section === null ? 'images' : 'annotations';
      this.out.ascii(`,\n"${this.section}":[`);
      this.first = true;
    }
  }

  private separator(): void {
    this.out.ascii(this.first ? '\n' : ',\n');
    this.first = false;
  }

  private flushIfFull(): void {
    if (this.out.length >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    const bytes = this.out.take();
    for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off);
  }
}
