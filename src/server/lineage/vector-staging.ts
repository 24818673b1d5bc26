/**
 * Run vectors sent in chunks (layer: server). A training job sends its vectors as several
 * `POST /runs/ID/vectors` bodies (one `VVEC` chunk each, `vector-chunk-reader.ts`) while it
 * computes them; the server checks each chunk as it streams (shape, finite values, keys: well
 * formed, each once per run, in the run's example set) and keeps the accepted ones in this
 * server's scratch folder. Sealing (`POST /runs/ID/vectors/seal`, or finishing the run)
 * concatenates them into one vector file and attaches it with the library's `addRunVectors`,
 * which checks it all again and stores it: a run's vectors are set once and never change.
 *
 * A refused chunk leaves nothing behind: its partial file is removed and the staged state is
 * what it was. Requests on one run are serialised (one chunk at a time, in arrival order).
 * Staged chunks live as long as the server process (they are in its scratch folder); a client
 * that gives `count` to `seal` learns of a restart in between (409) instead of sealing a part.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  addRunVectors,
  firstMissingExample,
  showRun,
  VECTOR_HEADER_BYTES,
  VECTOR_MAGIC,
  VECTOR_VERSION,
  vectorRefusal,
  type AddVectorsResult,
} from '../../api/lineage/index.js';
import type { Repository } from '../../api/repository/index.js';
import { FormatParseError, isVersoError, VersoError } from '../../core/errors.js';
import { HttpRefusal } from '../http-errors.js';
import { VECTOR_BODY, VectorChunkReader, type ChunkShape } from './vector-chunk-reader.js';

interface StagedChunk {
  readonly file: string;
  readonly count: number;
  readonly vectorBytes: number;
}

interface Staged extends ChunkShape {
  readonly dir: string;
  readonly chunks: StagedChunk[];
  readonly keys: Set<string>;
  count: number;
}

/** What a run has staged (null members: nothing yet). */
export interface StagedSummary {
  readonly chunks: number;
  readonly count: number;
  readonly dim: number | null;
  readonly kind: string | null;
}

const KIND_CODES = { gradient: 0, embedding: 1 } as const;

export class VectorStaging {
  private readonly staged = new Map<string, Staged>();
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Checks and keeps one chunk (a streamed body of at most `limit` bytes). */
  async append(
    repo: Repository,
    runId: string,
    body: Readable,
    limit: number,
  ): Promise<{ accepted: number; staged: StagedSummary }> {
    return this.serial(repo, runId, async (slot) => {
      const run = await showRun(repo, runId);
      const refusal = vectorRefusal(run);
      if (refusal) throw refusal;
      const current = this.staged.get(slot);
      const reader = new VectorChunkReader(current, current?.keys ?? new Set());
      const dir = current?.dir ?? join(repo.scratchDir(), `run-vectors-${safeName(run.id)}`);
      await mkdir(dir, { recursive: true });
      const file = join(dir, `chunk-${(current?.chunks.length ?? 0) + 1}.vvec`);
      try {
        await pipeline(body, checking(reader, limit), createWriteStream(file));
        reader.end();
        const missing = await firstMissingExample(repo, run, reader.keys);
        if (missing !== undefined)
          throw new FormatParseError(
            VECTOR_BODY,
            `key ${missing + 1}`,
            'key',
            `'${reader.keys[missing]}' is not in the example set of run ${run.id}`,
          );
      } catch (e) {
        await rm(file, { force: true });
        if (!current) await rm(dir, { recursive: true, force: true });
        throw e;
      }
      const s: Staged = current ?? {
        dir,
        dim: reader.dim,
        kind: reader.kind,
        chunks: [],
        keys: new Set(),
        count: 0,
      };
      s.chunks.push({ file, count: reader.count, vectorBytes: reader.vectorBytes });
      for (const k of reader.keys) s.keys.add(k);
      s.count += reader.count;
      this.staged.set(slot, s);
      return { accepted: reader.count, staged: summary(s) };
    });
  }

  summary(repo: Repository, runId: string): StagedSummary {
    return summary(this.staged.get(slotOf(repo, runId)));
  }

  /** Drops the staged chunks of a run (nothing attached). */
  async discard(repo: Repository, runId: string): Promise<StagedSummary> {
    return this.serial(repo, runId, async (slot) => {
      const before = summary(this.staged.get(slot));
      await this.drop(slot);
      return before;
    });
  }

  /**
   * Attaches the staged chunks as the run's vectors (undefined when none are staged). With
   * `expectCount`, a different staged count is refused (409) and nothing is attached.
   */
  async seal(
    repo: Repository,
    runId: string,
    expectCount?: number,
  ): Promise<AddVectorsResult | undefined> {
    return this.serial(repo, runId, async (slot) => {
      const s = this.staged.get(slot);
      const count = s?.count ?? 0;
      if (expectCount !== undefined && expectCount !== count)
        throw new HttpRefusal(
          'STAGED_VECTORS_MISMATCH',
          409,
          `run ${runId} has ${count} staged vectors, the client sent ${expectCount} (a chunk was refused, or the server restarted): send the missing chunks, or discard (DELETE) and send them again`,
          { staged: count, expected: expectCount },
        );
      if (!s) return undefined;
      const file = join(s.dir, 'sealed.vvec');
      try {
        await writeCombined(s, file);
        const result = await addRunVectors(repo, runId, file, s.kind);
        await this.drop(slot);
        return result;
      } catch (e) {
        throw namedStaged(e, file);
      } finally {
        await rm(file, { force: true });
      }
    });
  }

  private async drop(slot: string): Promise<void> {
    const s = this.staged.get(slot);
    this.staged.delete(slot);
    if (s) await rm(s.dir, { recursive: true, force: true });
  }

  /** Runs `work` after every earlier request on the same run has finished. */
  private async serial<T>(
    repo: Repository,
    runId: string,
    work: (slot: string) => Promise<T>,
  ): Promise<T> {
    const slot = slotOf(repo, runId);
    const before = this.queues.get(slot) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => work(slot));
    this.queues.set(slot, mine);
    try {
      return await mine;
    } finally {
      if (this.queues.get(slot) === mine) this.queues.delete(slot);
    }
  }
}

function slotOf(repo: Repository, runId: string): string {
  return `${repo.root}\u0000${runId}`;
}

function safeName(runId: string): string {
  return runId.replace(/[^A-Za-z0-9_-]/g, '_');
}

function summary(s: Staged | undefined): StagedSummary {
  return s
    ? { chunks: s.chunks.length, count: s.count, dim: s.dim, kind: s.kind }
    : { chunks: 0, count: 0, dim: null, kind: null };
}

/** Feeds the reader and passes the bytes on; refuses a body over `limit` bytes. */
function checking(reader: VectorChunkReader, limit: number): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) {
        done(
          new HttpRefusal('BODY_TOO_LARGE', 413, `request body is larger than ${limit} bytes`, {
            limit,
          }),
        );
        return;
      }
      try {
        reader.push(chunk);
        done(null, chunk);
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

/** One vector file of every staged chunk: header, all vectors in chunk order, all keys. */
async function writeCombined(s: Staged, file: string): Promise<void> {
  const header = Buffer.alloc(VECTOR_HEADER_BYTES);
  header.write(VECTOR_MAGIC, 0, 'latin1');
  header.writeUInt32LE(VECTOR_VERSION, 4);
  header.writeUInt32LE(s.dim, 8);
  header.writeUInt32LE(s.count, 12);
  header.writeUInt32LE(KIND_CODES[s.kind], 16);
  const out = createWriteStream(file);
  await pipeline(
    (async function* () {
      yield header;
      for (const c of s.chunks)
        yield* createReadStream(c.file, {
          start: VECTOR_HEADER_BYTES,
          end: VECTOR_HEADER_BYTES + c.vectorBytes - 1,
        });
      for (const c of s.chunks)
        yield* createReadStream(c.file, { start: VECTOR_HEADER_BYTES + c.vectorBytes });
    })(),
    out,
  );
}

/** `e` with the sealed file's path replaced by "staged vectors" (a client never sees a server path). */
function namedStaged(e: unknown, file: string): unknown {
  if (!isVersoError(e) || !e.message.includes(file)) return e;
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.data)) data[k] = v === file ? 'staged vectors' : v;
  return new VersoError(e.category, e.code, e.message.replaceAll(file, 'staged vectors'), data);
}
