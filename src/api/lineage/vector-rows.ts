/**
 * Every row of a run's vector file in row order, each with its key on demand (layer: api): the
 * reader for verbs that visit all vectors once (`suspects`). From a local file the vectors are
 * read in chunks of whole rows into one reused buffer (CHUNK_BYTES, as `explain-scan.ts`), never
 * the whole file; the key section (a few bytes per row against dim x 4 for its vector) is read
 * once and walked alongside, and a key is only decoded when the visitor asks for it. A backend
 * without local files gives the whole blob, viewed in place.
 *
 * Errors: a malformed or truncated file becomes a `CorruptionError` naming the blob and run; a
 * missing blob too.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import type { RunRecord } from '../../catalog/catalog.js';
import { CorruptionError, VersoError } from '../../core/errors.js';
import {
  decodeVectorFile,
  decodeVectorHeader,
  VECTOR_HEADER_BYTES,
  type VectorHeader,
} from '../../influence/vector-file.js';
import { readFully } from '../../io/read-fully.js';
import type { Repository } from '../repository/repository.js';

const CHUNK_BYTES = 1 << 20;

/**
 * Called once per row in order: `vectors` holds the row's `dim` floats from `base`; `keyOf`
 * decodes its `IMAGE/LABEL` (valid during the call only).
 */
export type VectorRowVisitor = (
  row: number,
  vectors: Float32Array,
  base: number,
  keyOf: () => string,
) => void;

/**
 * Visits every row of `run`'s vectors; returns the file's header. `chunkRows`: rows per read
 * (tests cut chunks at odd rows); default CHUNK_BYTES worth.
 */
export async function visitVectorRows(
  repo: Repository,
  run: RunRecord,
  visit: VectorRowVisitor,
  options: { readonly chunkRows?: number } = {},
): Promise<VectorHeader> {
  const blob = run.vectors!.blob;
  try {
    const path = await repo.blobs.localPath(blob);
    if (path !== undefined) return visitFile(path, visit, options.chunkRows);
    const bytes = await repo.blobs.get(blob);
    if (!bytes) throw new Error('missing');
    const file = decodeVectorFile(bytes);
    const keys = new KeyWalker(file.bytes.subarray(file.keysOffset), file.count);
    for (let row = 0; row < file.count; row++)
      visit(row, file.vectors, row * file.dim, keys.next());
    return file;
  } catch (e) {
    if (e instanceof VersoError) throw e;
    throw new CorruptionError(`vector blob ${blob} of run ${run.id}: ${(e as Error).message}`, {
      blob,
    });
  }
}

function visitFile(path: string, visit: VectorRowVisitor, rowsPerChunk?: number): VectorHeader {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(VECTOR_HEADER_BYTES);
    readFully(fd, head, 0);
    const header = decodeVectorHeader(head);
    const size = fstatSync(fd).size;
    if (header.keysOffset > size) throw new Error('truncated: fewer vectors than the header says');
    const keySection = new Uint8Array(size - header.keysOffset);
    readFully(fd, keySection, header.keysOffset);
    const keys = new KeyWalker(keySection, header.count);
    const { dim, count } = header;
    const chunkRows = rowsPerChunk ?? Math.max(1, Math.floor(CHUNK_BYTES / (dim * 4)));
    const chunk = new Float32Array(chunkRows * dim);
    const bytes = new Uint8Array(chunk.buffer);
    for (let first = 0; first < count; first += chunkRows) {
      const rows = Math.min(chunkRows, count - first);
      readFully(fd, bytes.subarray(0, rows * dim * 4), VECTOR_HEADER_BYTES + first * dim * 4);
      for (let i = 0; i < rows; i++) visit(first + i, chunk, i * dim, keys.next());
    }
    return header;
  } finally {
    closeSync(fd);
  }
}

/** Steps through a key section row by row; decodes a row's key only when asked. */
class KeyWalker {
  private at = 0;
  private row = 0;
  private readonly view: DataView;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly keys: Uint8Array,
    private readonly count: number,
  ) {
    this.view = new DataView(keys.buffer, keys.byteOffset, keys.byteLength);
  }

  /** Moves to the next row; returns its key decoder. */
  next(): () => string {
    const { keys, row } = this;
    if (row >= this.count) throw new Error(`more rows than the ${this.count} keys`);
    if (this.at + 4 > keys.length) throw new Error(`truncated: key ${row + 1} is missing`);
    const n = this.view.getUint32(this.at, true);
    const from = this.at + 4;
    if (from + n > keys.length) throw new Error(`truncated: key ${row + 1} is cut short`);
    this.at = from + n;
    this.row++;
    return () => this.decoder.decode(keys.subarray(from, from + n));
  }
}
