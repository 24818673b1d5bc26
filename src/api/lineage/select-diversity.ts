/**
 * `select --diversity embedding:FILE` (layer: api, issue 17): the top images chosen to be hard
 * *and* unlike each other, from one embedding vector per image.
 *
 * The pool is the `DIVERSITY_POOL_FACTOR` x top hardest candidates (after `--where`); among them
 * greedy farthest-first in cosine distance (`influence/farthest-first.ts`) starts from the
 * hardest and adds the candidate farthest from those chosen, ties by rank, at most `--per-class`
 * per deciding class; the chosen are listed hardest first. Every pool image needs a vector:
 * one missing is refused before anything is written.
 *
 * The vectors: a binary vector file (`VVEC`, kind embedding, keys = image ids) or JSONL, one
 * `{"image": ID, "vector": [..]}` a line. Their SHA-256 is bound into the slice's parameters,
 * so the slice id changes when the vectors do.
 */
import { FormatParseError, InvalidArgumentError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import { farthestFirst } from '../../influence/farthest-first.js';
import { decodeVectorFile, vectorKeys, VECTOR_MAGIC } from '../../influence/vector-file.js';
import type { SelectedImage } from './select-rank.js';

/** How many times `top` hardest candidates the diverse picks are made from. */
export const DIVERSITY_POOL_FACTOR = 10;

/** `--diversity embedding:FILE` read: `name` says where the bytes came from, for errors. */
export interface DiversityVectors {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface Embeddings {
  readonly sha256: string;
  readonly dim: number;
  readonly data: Float32Array;
  readonly rowOf: ReadonlyMap<string, number>;
}

export function readEmbeddings(v: DiversityVectors): Embeddings {
  const sha256 = sha256Hex(v.bytes);
  const magic = Buffer.from(v.bytes.subarray(0, 4)).toString('latin1');
  return { sha256, ...(magic === VECTOR_MAGIC ? binary(v) : jsonLines(v)) };
}

function binary(v: DiversityVectors): Omit<Embeddings, 'sha256'> {
  let file;
  try {
    file = decodeVectorFile(v.bytes);
  } catch (e) {
    throw new FormatParseError(v.name, 'header', null, (e as Error).message);
  }
  if (file.kind !== 'embedding')
    throw new FormatParseError(
      v.name,
      'header',
      'kind',
      `holds ${file.kind} vectors, not embeddings`,
    );
  const rowOf = new Map<string, number>();
  let row = 0;
  for (const image of vectorKeys(file)) {
    if (rowOf.has(image))
      throw new FormatParseError(
        v.name,
        `key ${row + 1}`,
        'image',
        `image '${image}' is given twice`,
      );
    rowOf.set(image, row++);
  }
  return { dim: file.dim, data: file.vectors, rowOf };
}

function jsonLines(v: DiversityVectors): Omit<Embeddings, 'sha256'> {
  const lines = Buffer.from(v.bytes).toString('utf8').split('\n');
  const rows: number[][] = [];
  const rowOf = new Map<string, number>();
  let dim = 0;
  for (const [i, text] of lines.entries()) {
    if (text.trim() === '') continue;
    const fail = (field: string | null, why: string) => new FormatParseError(v.name, i + 1, field, why);
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      throw fail(null, 'not JSON (expected {"image": ID, "vector": [numbers]})');
    }
    const { image, vector } = (obj ?? {}) as { image?: unknown; vector?: unknown };
    if (typeof image !== 'string' || image === '') throw fail('image', 'expected an image id');
    if (!Array.isArray(vector) || vector.length === 0 || !vector.every((x) => typeof x === 'number' && Number.isFinite(x)))
      throw fail('vector', 'expected a non-empty array of finite numbers');
    if (dim === 0) dim = vector.length;
    if (vector.length !== dim) throw fail('vector', `has ${vector.length} numbers; the first line has ${dim}`);
    if (rowOf.has(image)) throw fail('image', `image '${image}' is given twice`);
    rowOf.set(image, rows.length);
    rows.push(vector as number[]);
  }
  if (rows.length === 0) throw new FormatParseError(v.name, 'document', null, 'holds no vectors');
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(r, i * dim));
  return { dim, data, rowOf };
} // prettier-ignore

/** The diverse choice among `pool` (hardest first): see the header. */
export function diversify(
  pool: readonly SelectedImage[],
  embeddings: Embeddings,
  name: string,
  top: number,
  perClass: number | undefined,
): SelectedImage[] {
  const missing = pool.filter((p) => !embeddings.rowOf.has(p.image));
  if (missing.length > 0)
    throw new InvalidArgumentError(
      'diversity vectors',
      name,
      `no vector for image '${missing[0]!.image}'${missing.length > 1 ? ` (nor for ${missing.length - 1} more of the ${pool.length} candidates)` : ''}`,
    );
  const rows = {
    dim: embeddings.dim,
    data: embeddings.data,
    row: (i: number) => embeddings.rowOf.get(pool[i]!.image)!,
  };
  const allowed = (i: number, picked: readonly number[]) =>
    perClass === undefined ||
    picked.filter((p) => pool[p]!.category === pool[i]!.category).length < perClass;
  return farthestFirst(rows, pool.length, top, allowed)
    .sort((a, b) => a - b)
    .map((i) => pool[i]!);
}
