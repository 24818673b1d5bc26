/**
 * Reads a native JSONL label file as encoded sort records (layer: api).
 *
 * Each line becomes (key, payload): the tuple key of (image, label) and a payload holding the
 * line tag, the canonical label content and the review (`encodeLabelRecord`). Parsing and
 * encoding is the CPU-heavy half of an import, so a large file is split at a line boundary into
 * two ranges: a worker thread (`label-file-worker.ts`) encodes the first while this thread
 * encodes the second, and batches from both are yielded as they come (sorting follows, so
 * their order does not matter). Line numbers travel as tags (relative line, range) and are made
 * absolute only when an error is reported (`LineNumbers`). Each label is checked
 * (`label-content-check.ts`: geometry structure, and the branch's schema version when it has
 * one) on whichever thread parses it; the worker gets the taxonomy through `workerData`. Text is
 * read by `io/line-reader.ts` (UTF-8 checked, a leading byte order mark dropped); a file whose
 * first line does not read as a label is refused with what it seems to be (`formats/file-kind.ts`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ByteReader, ByteWriter } from '../../core/byte-writer.js';
import { writeValue } from '../../core/canonical.js';
import { FormatParseError, VersoError, isVersoError } from '../../core/errors.js';
import { fromWireError, type ErrorClasses, type WireError } from '../../core/error-wire.js';
import { InputFileError } from '../../io/io-errors.js';
import { encodeLabelKey, IdTooLongError } from '../../dataset/label-key.js';
import {
  parseLabelLine,
  unstorableLine,
  writeLabelContent,
  type LabelPut,
} from '../../dataset/label-line.js';
import { checkInputPath, misfiledInputError } from '../../formats/file-kind.js';
import { makeContentCheck, type ContentCheck } from '../write/label-content-check.js';
import type { LabelSchema } from '../repository/schema-registry.js';
import { countLines, lineStartAfter, readLines } from '../../io/line-reader.js';

export interface LabelRecord {
  readonly key: Uint8Array;
  readonly payload: Uint8Array;
}

export interface DecodedPayload {
  /** Relative line and range, see `LineNumbers.absolute`. */
  readonly lineTag: number;
  readonly label: Uint8Array;
  /** bytes; null: explicitly no review; undefined: not given. */
  readonly review: Uint8Array | null | undefined;
}

const REVIEW_ABSENT = 0;
const REVIEW_PRESENT = 1;
const REVIEW_NULL = 2;

/** Bytes per batch, and batches in flight before the worker waits for this thread. */
export const BATCH_BYTES = 1 << 20;
export const MAX_BATCHES_IN_FLIGHT = 8;
/** Below this size a file is encoded on this thread alone (a worker costs ~40 ms to start). */
const SPLIT_MIN_BYTES = 4 << 20;

/** Append one record (key blob, payload blob) to a batch. */
export function encodeLabelRecord(
  batch: ByteWriter,
  scratch: ByteWriter,
  put: LabelPut,
  range: number,
): void {
  scratch.reset();
  writeLabelPayload(scratch, put.line * 2 + range, put);
  batch.blob(encodeLabelKey(put.image, put.label));
  batch.blob(scratch.view());
}

/** Append a record payload: `tag` (any non-negative integer the caller can map back), content, review. */
export function writeLabelPayload(
  w: ByteWriter,
  tag: number,
  put: Pick<LabelPut, 'record' | 'review'>,
): void {
  w.varint(tag);
  const at = w.reserveU32();
  writeLabelContent(w, put);
  w.patchU32(at, w.length - at - 4);
  if (put.review) {
    w.byte(REVIEW_PRESENT);
    writeValue(w, put.review, 1); // a member of the line: its depth counts from there
  } else w.byte(put.review === null ? REVIEW_NULL : REVIEW_ABSENT);
}

/** Inverse of the payload part of `encodeLabelRecord` (hot in imports: no reader object). */
export function decodePayload(p: Uint8Array): DecodedPayload {
  let pos = 0;
  let lineTag = 0;
  for (let mul = 1; ; mul *= 0x80) {
    const b = p[pos++]!;
    lineTag += (b & 0x7f) * mul;
    if (b < 0x80) break;
  }
  const labelLen = ((p[pos]! << 24) | (p[pos + 1]! << 16) | (p[pos + 2]! << 8) | p[pos + 3]!) >>> 0;
  pos += 4;
  const label = p.subarray(pos, pos + labelLen);
  pos += labelLen;
  const flag = p[pos++];
  const review =
    flag === REVIEW_PRESENT ? p.subarray(pos) : flag === REVIEW_NULL ? null : undefined;
  return { lineTag, label, review };
}

export function* unpackBatch(batch: Uint8Array): Generator<LabelRecord> {
  const r = new ByteReader(batch);
  while (!r.done) {
    const key = r.blob();
    yield { key, payload: r.blob() };
  }
}

/** Turns line tags (relative line, range) into file line numbers; counts lines only if asked. */
export class LineNumbers {
  private offset: number | undefined;

  constructor(
    private readonly file: string,
    private readonly splitAt: number,
  ) {}

  absolute(tag: number): number {
    const line = Math.floor(tag / 2);
    if (tag % 2 === 0) return line;
    this.offset ??= countLines(this.file, this.splitAt);
    return this.offset + line;
  }
}

export interface LabelFileReader {
  readonly batches: AsyncGenerator<Uint8Array>;
  readonly lines: LineNumbers;
}

/** The worker's input. */
export interface WorkerInput {
  readonly file: string;
  readonly end: number;
  readonly schema?: LabelSchema;
}

/** The content check of a label file's lines: structure, and the schema when there is one. */
export function validatorFor(schema: LabelSchema | undefined): ContentCheck {
  return makeContentCheck(schema);
}

/**
 * Encoded records of every line of `file`, in batches, in no particular order; a label that
 * fails the content check (with `schema`: also one that does not conform) is a FormatParseError.
 */
export function readLabelFile(file: string, schema?: LabelSchema): LabelFileReader {
  const workerFile = fileURLToPath(new URL('./label-file-worker.js', import.meta.url));
  const size = checkInputPath(file, 'labels');
  const validate = validatorFor(schema);
  const whole = (): LabelFileReader => ({
    batches: encodeRange(file, 0, size, 0, undefined, validate),
    lines: new LineNumbers(file, size),
  });
  if (size < SPLIT_MIN_BYTES || !existsSync(workerFile)) return whole();
  const splitAt = lineStartAfter(file, Math.floor(size / 2));
  if (splitAt >= size) return whole();
  const lines = new LineNumbers(file, splitAt);
  return {
    batches: interleave(
      viaWorker(workerFile, { file, end: splitAt, ...(schema ? { schema } : {}) }),
      encodeRange(file, splitAt, size, 1, lines, validate),
    ),
    lines,
  };
}

/** Encode lines of [start, end); `range` 0 numbers lines from the file start, 1 from `start`. */
export async function* encodeRange(
  file: string,
  start: number,
  end: number,
  range: number,
  lines?: LineNumbers,
  validate?: ContentCheck,
): AsyncGenerator<Uint8Array> {
  const batch = new ByteWriter(BATCH_BYTES + (1 << 16));
  const scratch = new ByteWriter(1 << 16);
  try {
    for await (const { text, line } of readLines(file, { start, end })) {
      const put = parseLabelLine(text, file, line, false) as LabelPut;
      if (validate) {
        const problem = validate(put.record);
        if (problem) throw new FormatParseError(file, line, problem.field, problem.why);
      }
      const mark = batch.length;
      try {
        encodeLabelRecord(batch, scratch, put, range);
      } catch (e) {
        batch.truncate(mark);
        throw unstorableLine(e, file, line, put.record);
      }
      if (batch.length >= BATCH_BYTES) {
        yield batch.finishUnpooled();
        batch.reset();
      }
    }
  } catch (e) {
    // The first line of the file does not read: say what the file is when it is another format.
    if (range === 0 && e instanceof FormatParseError && e.data['line'] === 1)
      throw misfiledInputError(file, 'labels') ?? e;
    if (lines && e instanceof FormatParseError) {
      const {
        line,
        field,
        why,
        file: _file,
        ...extra
      } = e.data as {
        file: string;
        line: number;
        field: string | null;
        why: string;
      };
      throw new FormatParseError(file, lines.absolute(line * 2 + range), field, why, extra);
    }
    throw e;
  }
  if (batch.length > 0) yield batch.finishUnpooled();
}

/** Yields from both sources as they produce, until both end; the first error wins. */
async function* interleave(
  a: AsyncGenerator<Uint8Array>,
  b: AsyncGenerator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const sources = [a, b];
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<Uint8Array> }>>();
  const pull = (i: number) =>
    pending.set(
      i,
      sources[i]!.next().then((r) => ({ i, r })),
    );
  pull(0);
  pull(1);
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      pending.delete(i);
      if (r.done) continue;
      pull(i);
      yield r.value;
    }
  } finally {
    await Promise.allSettled([...pending.values()]);
    await Promise.allSettled(sources.map((s) => s.return(undefined)));
  }
}

type WorkerMessage =
  | { readonly kind: 'batch'; readonly bytes: Uint8Array }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly error: WireError };

/** The leaf error classes a worker may raise, rebuilt as such on this thread (`fromWireError`). */
const WORKER_ERROR_CLASSES: ErrorClasses = {
  ID_TOO_LONG: IdTooLongError,
  INPUT_FILE: InputFileError,
};

async function* viaWorker(workerFile: string, input: WorkerInput): AsyncGenerator<Uint8Array> {
  const { file } = input;
  const worker = new Worker(workerFile, { workerData: input });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure = e;
    wake?.();
  });
  // A worker that exits without a 'done' or 'error' would leave the loop below waiting forever
  // (a promise that never settles: the process would end with exit 13 and no message).
  let exitCode: number | undefined;
  worker.on('exit', (code) => {
    exitCode = code;
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length === 0 && failure === undefined && exitCode === undefined)
        await new Promise<void>((r) => (wake = r));
      if (failure !== undefined) throw failure;
      if (queue.length === 0)
        throw new VersoError(
          'Internal',
          'IMPORT_WORKER_FAILED',
          `reading ${file}: the worker exited (code ${exitCode}) before it finished`,
          { file, code: exitCode },
        );
      const m = queue.shift()!;
      if (m.kind === 'done') return;
      if (m.kind === 'error') {
        // The worker's error keeps its code, category and data: the same malformed line fails
        // the same way on either thread. Only an error that is no VersoError (a bug) is wrapped.
        const e = fromWireError(m.error, WORKER_ERROR_CLASSES);
        if (isVersoError(e)) throw e;
        throw new VersoError('Internal', 'IMPORT_WORKER_FAILED', `reading ${file}: ${e.message}`, {
          file,
        });
      }
      worker.postMessage('credit');
      yield m.bytes;
    }
  } finally {
    await worker.terminate();
  }
}
