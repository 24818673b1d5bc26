/**
 * Sorts (key, payload) records larger than memory (layer: io).
 *
 * Records accumulate in memory up to `runBytes` (estimated), are sorted (V8's TimSort: near-sorted input,
 * the usual case for exported datasets, sorts in about linear time) and spilled to a run file
 * in `tmpDir`; `sorted()` then merges the runs with a binary heap. Keys are byte strings held
 * as latin1 JS strings, so the native string comparison is exactly bytewise order. Equal keys
 * come out in insertion order (the sort and the merge are stable), so callers can detect
 * duplicates and know which came first.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ByteWriter } from '../core/byte-writer.js';
import { asDiskFull } from './disk-full.js';

export interface SortRecord {
  readonly key: string;
  readonly payload: Uint8Array;
}

/**
 * Memory for one in-memory run, as estimated by `add`: key and payload bytes plus
 * RECORD_OVERHEAD for the JS objects that hold them. 96 MiB keeps a 10M-label import's peak RSS
 * (heap + LMDB's mapped pages) under 3 GiB; runs then number ~40, merged with one 1 MiB read
 * buffer each.
 */
const DEFAULT_RUN_BYTES = 96 * 1024 * 1024;
const RECORD_OVERHEAD = 128;
const READ_BLOCK = 1 << 20;

export class ExternalSorter {
  private keys: string[] = [];
  private payloads: Uint8Array[] = [];
  private bytes = 0;
  private readonly runs: string[] = [];

  constructor(
    private readonly tmpDir: string,
    private readonly runBytes = DEFAULT_RUN_BYTES,
  ) {}

  get count(): number {
    return this.keys.length;
  }

  add(key: string, payload: Uint8Array): void {
    this.keys.push(key);
    this.payloads.push(payload);
    this.bytes += key.length + payload.length + RECORD_OVERHEAD;
    if (this.bytes >= this.runBytes) this.spill();
  }

  async *sorted(): AsyncGenerator<SortRecord> {
    if (this.runs.length === 0) {
      for (const r of this.sortedRun()) yield r;
      return;
    }
    if (this.keys.length > 0) this.spill();
    const readers = this.runs.map((f) => new RunReader(f));
    try {
      yield* mergeRuns(readers);
    } finally {
      for (const r of readers) r.close();
    }
  }

  /** Remove run files. Safe to call more than once. */
  cleanup(): void {
    for (const f of this.runs) rmSync(f, { force: true });
    this.runs.length = 0;
  }

  private *sortedRun(): Generator<SortRecord> {
    const keys = this.keys;
    const order = Array.from({ length: keys.length }, (_, i) => i);
    order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
    for (const i of order) yield { key: keys[i]!, payload: this.payloads[i]! };
  }

  /** Writes the pending records as one sorted run file; a full disk is `DiskFullError`. */
  private spill(): void {
    const file = join(this.tmpDir, `run-${this.runs.length}.bin`);
    try {
      this.writeRun(file);
    } catch (error) {
      rmSync(file, { force: true });
      throw asDiskFull(error, `scratch space ${this.tmpDir}`, this.tmpDir) ?? error;
    }
    this.runs.push(file);
    this.keys = [];
    this.payloads = [];
    this.bytes = 0;
  }

  private writeRun(file: string): void {
    mkdirSync(this.tmpDir, { recursive: true });
    const fd = openSync(file, 'w');
    const w = new ByteWriter(8 << 20);
    const flush = () => {
      const b = w.finish();
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off);
      w.reset();
    };
    try {
      for (const r of this.sortedRun()) {
        w.varint(r.key.length);
        w.bytes(Buffer.from(r.key, 'latin1'));
        w.blob(r.payload);
        if (w.length > 4 << 20) flush();
      }
      flush();
    } finally {
      closeSync(fd);
    }
  }
}

/** Sequential reader of one run file. */
class RunReader {
  private fd: number;
  private buf = Buffer.alloc(0);
  private pos = 0;
  private eof = false;
  current: SortRecord | undefined;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
  }

  advance(): boolean {
    const len = this.readVarint();
    if (len === undefined) {
      this.current = undefined;
      this.close();
      return false;
    }
    const key = this.take(len).toString('latin1');
    const plen = this.readVarint()!;
    this.current = { key, payload: Buffer.from(this.take(plen)) };
    return true;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private fill(need: number): void {
    if (this.buf.length - this.pos >= need || this.eof) return;
    const rest = this.buf.subarray(this.pos);
    const block = Buffer.allocUnsafe(Math.max(READ_BLOCK, need));
    const n = readSync(this.fd, block, 0, block.length, null);
    if (n === 0) this.eof = true;
    this.buf = Buffer.concat([rest, block.subarray(0, n)]);
    this.pos = 0;
  }

  private readVarint(): number | undefined {
    this.fill(10);
    if (this.pos >= this.buf.length) return undefined;
    let n = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 0x80;
    }
  }

  private take(n: number): Buffer {
    this.fill(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** K-way merge; ties go to the earlier run, keeping the merge stable. */
async function* mergeRuns(readers: RunReader[]): AsyncGenerator<SortRecord> {
  const heap: number[] = [];
  const less = (a: number, b: number) => {
    const ka = readers[a]!.current!.key;
    const kb = readers[b]!.current!.key;
    return ka < kb || (ka === kb && a < b);
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  readers.forEach((r, i) => {
    if (r.advance()) heap.push(i);
  });
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
  while (heap.length > 0) {
    const top = heap[0]!;
    yield readers[top]!.current!;
    if (!readers[top]!.advance()) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    if (heap.length > 0) siftDown(0);
  }
}
