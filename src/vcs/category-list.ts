/**
 * The category list (taxonomy) of a dataset version as a chunk (layer: vcs).
 *
 * A snapshot names it by hash (`Snapshot.categories`), so the list is part of the version:
 * content-addressed (the same list gives the same chunk, whatever imported it), reached by
 * gc and verify through its snapshot, and merged like the schema. The chunk is an object chunk
 * (marker 'K') holding `{format, categories}`; the list keeps the source's order (a YOLO class
 * index is a position in it) and each category's fields as the source gave them.
 */
import type { JsonValue } from '../core/canonical.js';
import { CorruptionError } from '../core/errors.js';
import type { ChunkStore } from '../store/chunk-store.js';
import { hexToHash, type ChunkHash } from '../core/hash.js';
import { CATEGORIES_MARKER, decodeObject, putObject } from './objects.js';

const CATEGORY_LIST_FORMAT = 1;

/** A category as the source format gives it: `id`, `name`, then any of its own fields. */
export interface Category {
  readonly id: number | string;
  readonly name: string;
  readonly [field: string]: JsonValue | undefined;
}

/** Stages the list's chunk; returns its hash (the value of `Snapshot.categories`). */
export function putCategoryList(chunks: ChunkStore, categories: readonly Category[]): ChunkHash {
  return putObject(chunks, CATEGORIES_MARKER, {
    format: CATEGORY_LIST_FORMAT,
    categories: categories.map((c) => ({ ...c })),
  });
}

export async function getCategoryList(chunks: ChunkStore, id: ChunkHash): Promise<Category[]> {
  const bytes = await chunks.get(hexToHash(id));
  if (!bytes) throw new CorruptionError(`category list ${id} is missing`, { id });
  return decodeCategoryList(bytes, id);
}

/** The list in a category-list chunk's bytes; CorruptionError when they hold none. */
export function decodeCategoryList(bytes: Uint8Array, id: ChunkHash): Category[] {
  const v = decodeObject(CATEGORIES_MARKER, bytes, id);
  const list = v && typeof v === 'object' && !Array.isArray(v) ? v['categories'] : undefined;
  if (!Array.isArray(list) || !list.every(isCategory))
    throw new CorruptionError(`category list ${id} is missing or malformed`, { id });
  return list;
}

function isCategory(v: JsonValue): v is Category & { [k: string]: JsonValue } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const id = v['id'];
  return (typeof id === 'number' || typeof id === 'string') && typeof v['name'] === 'string';
}
