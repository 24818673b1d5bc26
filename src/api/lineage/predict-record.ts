/**
 * `verso predict record --model M --image IMG --output JSON [--id EXT] [--vector FILE]` and
 * `verso predict record --model M --file preds.jsonl` (layer: api): stores predictions of a
 * registered model, a batch in one transaction (all or nothing).
 *
 * A batch line is `{"id"?, "image", "output", "time"?, "vector"?}`: `id` is the serving
 * system's id (kept as `external_id`), `vector` an array of numbers stored as float32, or the
 * float32 values themselves as base64 of their little-endian bytes (numpy's
 * `astype('<f4').tobytes()`: no decimal text to print and parse, 684 characters for 128
 * floats). A prediction without `time` is stamped with the batch's time. Ids are
 * `pred-<12 hex of the time><16 hex>` of (model, image, output, time, external id, line)
 * (`predictionId`: ids ascend with time, which keeps a serving loop's inserts fast). A vector's dimension must
 * match the run's vectors when the run already has some. Every line is checked before anything
 * is stored; errors name file, line and field.
 */
import { endianness } from 'node:os';
import { FormatParseError, InvalidArgumentError } from '../../core/errors.js';
import type { ModelRecord, PredictionRecord } from '../../catalog/catalog.js';
import { checkInputFile } from '../../io/input-file.js';
import { linesOfBlocks, readLines, type NumberedLine } from '../../io/line-reader.js';
import { predictionId } from '../../influence/lineage-id.js';
import { timeOf } from '../repository/identity.js';
import { readJsonInput } from '../../io/json-input.js';
import { findModel } from './model-register.js';
import type { Repository } from '../repository/repository.js';

export interface PredictionInput {
  readonly image: string;
  /** JSON text. */
  readonly output: string;
  readonly externalId?: string | undefined;
  readonly time?: string | undefined;
  readonly vector?: Float32Array | undefined;
}

export interface PredictRecordResult {
  readonly model: string;
  readonly predictions: readonly string[];
}

/** One prediction; `vectorFile` holds a JSON array of numbers. */
export async function recordPrediction(
  repo: Repository,
  model: string,
  input: Omit<PredictionInput, 'vector'> & { readonly vectorFile?: string | undefined },
): Promise<PredictRecordResult> {
  let output: unknown;
  try {
    output = JSON.parse(input.output);
  } catch {
    throw new InvalidArgumentError('prediction output', input.output, 'expected JSON', {
      option: 'output',
    });
  }
  let vector: Float32Array | undefined;
  if (input.vectorFile !== undefined) {
    const file = input.vectorFile;
    const parsed = await readJsonInput(file);
    vector = Float32Array.from(numberArray(parsed, file, 1));
  }
  const m = await findModel(repo, model);
  const dim = await runDimension(repo, m);
  const record = toRecord(m, { ...input, output: JSON.stringify(output), vector }, 0, {
    dim,
    now: timeOf(repo),
    file: input.vectorFile ?? 'vector',
    line: 1,
  });
  await repo.catalog.lineage.insertPredictions([record]);
  return { model: m.id, predictions: [record.id] };
}

/** Every line of the JSONL `file`, stored in one transaction. */
export async function recordPredictionFile(
  repo: Repository,
  model: string,
  file: string,
): Promise<PredictRecordResult> {
  checkInputFile(file);
  return recordPredictionLines(repo, model, readLines(file), file);
}

/** The JSONL of a stream of byte blocks (a request body as it arrives), as `recordPredictionLines`. */
export async function recordPredictionStream(
  repo: Repository,
  model: string,
  blocks: AsyncIterable<Buffer>,
  source: string,
): Promise<PredictRecordResult> {
  return recordPredictionLines(repo, model, linesOfBlocks(blocks, source), source);
}

/**
 * Every line of `lines` (JSONL; `source` names them in errors), each checked as it comes (a
 * request body is parsed while its sender still sends), then all stored in one transaction.
 * After a bad line the rest is still read, unparsed, so that a streamed body is consumed whole
 * and its sender reads the error instead of a reset connection.
 */
export async function recordPredictionLines(
  repo: Repository,
  model: string,
  lines: AsyncIterable<NumberedLine>,
  source: string,
): Promise<PredictRecordResult> {
  const m = await findModel(repo, model);
  const dim = await runDimension(repo, m);
  const records: PredictionRecord[] = [];
  const now = timeOf(repo);
  let failure: unknown;
  for await (const { text, line } of lines) {
    if (failure !== undefined) continue;
    try {
      records.push(
        toRecord(m, parseLine(parseJson(text, source, line), source, line), line, {
          dim,
          now,
          file: source,
          line,
        }),
      );
    } catch (e) {
      failure = e;
    }
  }
  if (failure !== undefined) throw failure;
  await repo.catalog.lineage.insertPredictions(records);
  return { model: m.id, predictions: records.map((r) => r.id) };
}

function parseJson(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FormatParseError(file, line, null, `not JSON: ${(e as Error).message}`);
  }
}

function parseLine(value: unknown, file: string, line: number): PredictionInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FormatParseError(file, line, null, 'expected a JSON object');
  const o = value as Record<string, unknown>;
  const text = (field: string, required: boolean): string | undefined => {
    const v = o[field];
    if (v === undefined && !required) return undefined;
    if (typeof v === 'string' && v !== '') return v;
    if (field === 'id' && typeof v === 'number') return String(v);
    throw new FormatParseError(file, line, field, 'expected a non-empty string');
  };
  if (!('output' in o)) throw new FormatParseError(file, line, 'output', 'missing');
  const time = text('time', false);
  if (time !== undefined && Number.isNaN(Date.parse(time)))
    throw new FormatParseError(file, line, 'time', 'expected an ISO-8601 instant');
  return {
    image: text('image', true)!,
    output: JSON.stringify(o['output']),
    externalId: text('id', false),
    time,
    vector: o['vector'] === undefined ? undefined : vectorOf(o['vector'], file, line),
  };
}

/** A line's `vector`: an array of numbers, or base64 of float32 little-endian values. */
function vectorOf(v: unknown, file: string, line: number): Float32Array {
  if (typeof v !== 'string') return Float32Array.from(numberArray(v, file, line, 'vector'));
  const bytes = Buffer.from(v, 'base64');
  // Node's decoder skips what is not base64: a text that does not encode back was not base64.
  if (bytes.length === 0 || bytes.length % 4 !== 0 || bytes.toString('base64') !== v)
    throw new FormatParseError(
      file,
      line,
      'vector',
      'expected base64 of float32 little-endian values (a non-empty multiple of 4 bytes)',
    );
  const floats = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) new Uint8Array(floats.buffer).set(bytes);
  else for (let i = 0; i < floats.length; i++) floats[i] = bytes.readFloatLE(4 * i);
  for (let i = 0; i < floats.length; i++)
    if (!Number.isFinite(floats[i]))
      throw new FormatParseError(file, line, 'vector', `value ${i} is not a finite number`);
  return floats;
}

const LITTLE_ENDIAN = endianness() === 'LE';

function numberArray(
  v: unknown,
  file: string,
  line: number,
  field: string | null = null,
): number[] {
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    !v.every((x) => typeof x === 'number' && Number.isFinite(x))
  )
    throw new FormatParseError(file, line, field, 'expected a non-empty array of numbers');
  return v as number[];
}

async function runDimension(repo: Repository, m: ModelRecord): Promise<number | undefined> {
  return (await repo.catalog.lineage.getRun(m.run))?.vectors?.dim;
}

/** Where a prediction comes from and what it is checked against; `now`: the batch's time. */
interface RecordContext {
  readonly dim: number | undefined;
  readonly now: string;
  readonly file: string;
  readonly line: number;
}

function toRecord(
  m: ModelRecord,
  p: PredictionInput,
  ordinal: number,
  { dim, now, file, line }: RecordContext,
): PredictionRecord {
  if (p.vector && dim !== undefined && p.vector.length !== dim)
    throw new FormatParseError(
      file,
      line,
      'vector',
      `has ${p.vector.length} numbers; run ${m.run} has vectors of dimension ${dim}`,
    );
  const time = p.time === undefined ? now : new Date(p.time).toISOString();
  const externalId = p.externalId ?? null;
  const fields = [m.id, p.image, p.output, time, externalId ?? '', String(ordinal)];
  return {
    id: predictionId(Date.parse(time), fields),
    model: m.id,
    image: p.image,
    output: p.output,
    time,
    externalId,
    vector: p.vector
      ? new Uint8Array(p.vector.buffer, p.vector.byteOffset, p.vector.byteLength)
      : null,
  };
}
