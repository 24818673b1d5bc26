/**
 * `verso run add-vectors RUN FILE [--kind gradient|embedding]` (layer: api): attaches one vector
 * per training example to a run. FILE is the binary vector file (`lineage/vector-file.ts`,
 * recognised by its `VVEC` magic) or JSONL lines `{"image", "label", "vector": [...]}`. Every
 * key must be in the run's example set, once, and every vector must have the same dimension;
 * errors name the file, the line (or row) and the key. The normalised binary file is stored in
 * the BlobStore and its hash, dimension, count and kind in the run record.
 *
 * Vectors attach to a running run, once (`LineageRecordImmutableError` otherwise, checked before
 * the file is read and again, atomically, by the catalog): `explain` answers are computed from
 * them, so replacing them would change past answers with no history. A file may cover only
 * some of the examples (a sample, or examples a gradient pass skipped): that is accepted and
 * said in the result (`examples`, `unscored`); `explain` then lists the examples it could not
 * score.
 */
import { readFile } from 'node:fs/promises';
import { LineageRecordNotFoundError } from '../../catalog/catalog-errors.js';
import { FormatParseError, InvalidArgumentError } from '../../core/errors.js';
import type { RunRecord, RunVectors, VectorKind } from '../../catalog/catalog.js';
import { vectorRefusal } from '../../catalog/lineage-catalog.js';
import { hexToHash } from '../../core/hash.js';
import { encodeLabelKey } from '../../dataset/label-key.js';
import { checkInputFile } from '../../io/input-file.js';
import { compareBytes } from '../../tree/bytes.js';
import { scanLeaves } from '../../tree/read.js';
import { readLines } from '../../io/line-reader.js';
import {
  decodeVectorFile,
  encodeVectorFile,
  splitExampleKey,
  VECTOR_MAGIC,
  vectorKeys,
} from '../../influence/vector-file.js';
import { ReviewCursor } from '../read/label-review-scan.js';
import type { Repository } from '../repository/repository.js';

export interface AddVectorsResult {
  readonly run: RunRecord;
  readonly vectors: RunVectors;
  /** The run's example count. */
  readonly examples: number;
  /** Examples without a vector (`examples - vectors.count`): `explain` cannot score them. */
  readonly unscored: number;
}

export async function addRunVectors(
  repo: Repository,
  runId: string,
  file: string,
  kindOption?: string,
): Promise<AddVectorsResult> {
  if (kindOption !== undefined && kindOption !== 'gradient' && kindOption !== 'embedding')
    throw new InvalidArgumentError('vector kind', kindOption, 'expected gradient or embedding', {
      option: 'kind',
    });
  const run = await repo.catalog.lineage.getRun(runId);
  if (!run) throw new LineageRecordNotFoundError('run', runId);
  const refusal = vectorRefusal(run);
  if (refusal) throw refusal;
  checkInputFile(file);
  const bytes = await readFile(file);
  const isBinary = bytes.subarray(0, 4).toString('latin1') === VECTOR_MAGIC;
  const kind = kindOption as VectorKind | undefined;
  const blob = isBinary
    ? await checkBinary(repo, run, file, bytes, kind)
    : await readJsonl(repo, run, file, kind ?? 'gradient');
  const decoded = decodeVectorFile(blob);
  const stored = await repo.blobs.put(blob);
  const vectors: RunVectors = {
    blob: stored.hash,
    dim: decoded.dim,
    count: decoded.count,
    kind: decoded.kind,
  };
  await repo.catalog.lineage.setRunVectors(run.id, vectors);
  return {
    run: { ...run, vectors },
    vectors,
    examples: run.exampleCount,
    unscored: run.exampleCount - vectors.count,
  };
}

async function checkBinary(
  repo: Repository,
  run: RunRecord,
  file: string,
  bytes: Uint8Array,
  kind: VectorKind | undefined,
): Promise<Uint8Array> {
  let decoded;
  try {
    decoded = decodeVectorFile(bytes);
  } catch (e) {
    throw new FormatParseError(file, 'header', null, (e as Error).message);
  }
  if (kind !== undefined && kind !== decoded.kind)
    throw new FormatParseError(
      file,
      'header',
      'kind',
      `is ${decoded.kind}, the kind asked for is ${kind}`,
      {
        option: 'kind',
      },
    );
  const keys = new KeyCheck(file);
  let row = 0;
  try {
    for (const key of vectorKeys(decoded)) keys.add(`row ${++row}`, key);
  } catch (e) {
    if (e instanceof FormatParseError) throw e;
    throw new FormatParseError(file, `row ${row + 1}`, 'key', (e as Error).message);
  }
  await keys.inExampleSet(repo, run);
  return bytes;
}

async function readJsonl(
  repo: Repository,
  run: RunRecord,
  file: string,
  kind: VectorKind,
): Promise<Uint8Array> {
  const keys: string[] = [];
  const rows: number[][] = [];
  const check = new KeyCheck(file);
  let dim = 0;
  for await (const { text, line } of readLines(file)) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new FormatParseError(file, line, null, `not JSON: ${(e as Error).message}`);
    }
    const image = o['image'];
    const label = o['label'];
    if (typeof image !== 'string' || image === '')
      throw new FormatParseError(file, line, 'image', 'expected a non-empty string');
    if (typeof label !== 'string' && typeof label !== 'number')
      throw new FormatParseError(file, line, 'label', 'expected a string');
    const v = o['vector'];
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number'))
      throw new FormatParseError(file, line, 'vector', 'expected a non-empty array of numbers');
    if (dim === 0) dim = v.length;
    else if (v.length !== dim)
      throw new FormatParseError(
        file,
        line,
        'vector',
        `has ${v.length} numbers, line 1 has ${dim}`,
      );
    const key = `${image}/${String(label)}`;
    check.add(line, key);
    keys.push(key);
    rows.push(v as number[]);
  }
  if (keys.length === 0) throw new FormatParseError(file, 1, null, 'no vectors');
  await check.inExampleSet(repo, run);
  const flat = new Float32Array(keys.length * dim);
  rows.forEach((r, i) => flat.set(r, i * dim));
  return encodeVectorFile(kind, dim, keys, flat);
}

/**
 * The keys of a vector file: well-formed and distinct as they are added; then all checked
 * against the run's example set by one ordered walk of its tree (sorted lookups, not one
 * descent per key). The error names the earliest offending line or row.
 */
class KeyCheck {
  private readonly seen = new Set<string>();
  private readonly entries: {
    key: Uint8Array;
    text: string;
    at: number | string;
    order: number;
  }[] = [];

  constructor(private readonly file: string) {}

  add(at: number | string, key: string): void {
    const parts = splitExampleKey(key);
    if (!parts) throw new FormatParseError(this.file, at, 'key', `'${key}' is not IMAGE/LABEL`);
    if (this.seen.has(key))
      throw new FormatParseError(this.file, at, 'key', `'${key}' is given twice`);
    this.seen.add(key);
    const order = this.entries.length;
    this.entries.push({ key: encodeLabelKey(parts.image, parts.label), text: key, at, order });
  }

  async inExampleSet(repo: Repository, run: RunRecord): Promise<void> {
    const sorted = [...this.entries].sort((a, b) => compareBytes(a.key, b.key));
    const cursor = new ReviewCursor(scanLeaves(repo.nodes, hexToHash(run.exampleSet)));
    let missing: (typeof sorted)[number] | undefined;
    for (const e of sorted) {
      const found = cursor.valueAt(e.key);
      if ((found instanceof Promise ? await found : found) === undefined)
        if (!missing || e.order < missing.order) missing = e;
    }
    if (missing)
      throw new FormatParseError(
        this.file,
        missing.at,
        'key',
        `'${missing.text}' is not in the example set of run ${run.id}`,
      );
  }
}
