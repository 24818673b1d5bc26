/**
 * Streaming writer of COCO instances JSON (layer: formats).
 *
 * The caller walks the snapshot in key order and hands over records; the writer renders each as
 * one element into a byte buffer flushed every 1 MiB (never one big string). Annotations are
 * rendered straight from their stored canonical bytes (`core/canonical-json.ts`): only
 * `category_id`/`category` are read, no label is decoded into objects. The document is
 * `{"info":..,"images":[..],"annotations":[..],"categories":[..]}`. The category list is fixed
 * up front (`coco-categories.ts`); it comes last as it always has (COCO readers do not depend on
 * member order). With `spool` (a filtered export, which learns which images to
 * write only from the annotations it writes) annotations may come first: they are rendered into
 * the spool file and copied after the images at `end()`, so one pass over the labels suffices.
 * Mapping (inverse of `read-coco.ts`):
 * - image: `{id, ...asset record}` without Verso's own fields (`source_id`, `storage`, `uri`);
 *   the file's own `sha256`/`storage`, kept as `source_sha256`/`source_storage`, go back under
 *   their names (a hash Verso verified wins);
 * - annotation: `{id, image_id, category_id, ...content, review}`; `category` is left out when
 *   it is the category's name.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
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

/** One output: a file and the buffer of bytes not yet written to it. */
class ByteSink {
  readonly out = new JsonBytes();
  first = true;

  constructor(readonly fd: number) {}

  separator(): void {
    this.out.ascii(this.first ? '\n' : ',\n');
    this.first = false;
  }

  flushIfFull(): void {
    if (this.out.length >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    const bytes = this.out.take();
    for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off);
  }
}

export class CocoWriter {
  private readonly main: ByteSink;
  private readonly spool: { readonly path: string; readonly sink: ByteSink } | undefined;
  private section: 'images' | 'annotations' | null = null;
  private readonly categories: CocoCategoryIndex;

  constructor(
    private readonly file: string,
    kept: readonly CocoCategory[],
    info: Obj,
    opts: { readonly spool?: string } = {},
  ) {
    this.main = new ByteSink(openSync(file, 'w'));
    if (opts.spool)
      this.spool = { path: opts.spool, sink: new ByteSink(openSync(opts.spool, 'w')) };
    this.categories = new CocoCategoryIndex(kept);
    this.main.out.text(`{"info":${JSON.stringify(info)}`);
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
    this.main.separator();
    this.main.out.text(JSON.stringify(img));
    this.main.flushIfFull();
  }

  /**
   * `{id, image_id, category_id, ...content, review}` from the label's and review's canonical
   * bytes; `category` is left out when it is just the category's name. A label whose class is
   * not in the category list is not written (returns false).
   */
  annotation(id: number, imageId: number, content: Uint8Array, review?: Uint8Array): boolean {
    const [catId, catName] = selectMembers(content, CATEGORY_MEMBERS);
    const cat = this.categories.resolve(catId, catName);
    if (cat === 'unknown') return false;
    const sink = this.spool?.sink ?? this.main;
    if (!this.spool) this.open('annotations');
    const out = sink.out;
    sink.separator();
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
    sink.flushIfFull();
    return true;
  }

  /** Writes the (spooled) annotations and the categories, closes the document and the file. */
  end(): void {
    this.open('annotations');
    if (this.spool) this.copySpool(this.spool.path, this.spool.sink);
    this.main.out.text(
      `\n],\n"categories":[\n${this.categories
        .list()
        .map((c) => JSON.stringify(c))
        .join(',\n')}\n]}\n`,
    );
    this.main.flush();
    closeSync(this.main.fd);
  }

  /** Closes the files and removes the unfinished document (after an error). */
  abort(): void {
    closeSync(this.main.fd);
    rmSync(this.file, { force: true });
    if (this.spool) {
      closeSync(this.spool.sink.fd);
      rmSync(this.spool.path, { force: true });
    }
  }

  private copySpool(path: string, sink: ByteSink): void {
    sink.flush();
    closeSync(sink.fd);
    this.main.flush();
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(FLUSH_BYTES);
      for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf))
        for (let off = 0; off < n;) off += writeSync(this.main.fd, buf, off, n - off);
    } finally {
      closeSync(fd);
      rmSync(path, { force: true });
    }
  }

  /** Moves forward to `section` (images, then annotations), opening the arrays on the way. */
  private open(section: 'images' | 'annotations'): void {
    while (this.section !== section) {
      if (this.section === 'annotations') throw new Error('COCO images come before annotations');
      if (this.section !== null) this.main.out.ascii('\n]');
      this.section = this.section === null ? 'images' : 'annotations';
      this.main.out.ascii(`,\n"${this.section}":[`);
      this.main.first = true;
    }
  }
}
