/**
 * `node dist/bench/chunk-store-bench.js [--chunks N] [--store lmdb,pack]`: the chunk-store
 * micro-benchmark (layer: bench).
 *
 * Runs `LmdbChunkStore` and `PackChunkStore` on the same deterministic chunks (label-like JSON
 * text of 3.5-4.5 KiB, compressible about as tree nodes are): writes N chunks with a flush every
 * 10k, reopens, reads 20k random chunks twice (first after the reopen, then again: "cold" is
 * the store's own state only, the OS page cache stays warm, no root to drop it), measures the
 * bytes on disk, then times five "500-edit commits" (a flush of 300 new chunks into the full
 * store) and the growth each leaves. Prints a table and the raw numbers as JSON.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChunkStore } from '../src/store/chunk-store.js';
import { LmdbChunkStore } from '../src/store/lmdb/lmdb-chunk-store.js';
import { PackChunkStore } from '../src/store/pack/pack-chunk-store.js';

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '200000' },
    gets: { type: 'string', default: '20000' },
    store: { type: 'string', default: 'lmdb,pack' },
  },
});
const N = Number(values.chunks);
const GETS = Number(values.gets);
const FLUSH_EVERY = 10_000;
const COMMITS = 5;
const COMMIT_CHUNKS = 300;

/** Chunk `i`: JSON lines of label-like records, 3.5-4.5 KiB, from a seeded generator. */
function chunk(i: number): Uint8Array {
  let x = (i * 2654435761) >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const size = 3584 + Math.floor(next() * 1024);
  let text = '';
  while (text.length < size) {
    const id = Math.floor(next() * 1e7);
    const b = [next(), next(), next(), next()].map((v) => (v * 1000).toFixed(1));
    text += `{"id":"img_${id}","category":${Math.floor(next() * 80)},"bbox":[${b.join(',')}],"score":${next().toFixed(3)}}\n`;
  }
  return new TextEncoder().encode(text.slice(0, size));
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

function diskBytes(dir: string): { apparent: number; allocated: number } {
  let apparent = 0;
  let allocated = 0;
  for (const name of readdirSync(dir)) {
    const s = statSync(join(dir, name));
    apparent += s.size;
    allocated += s.blocks * 512;
  }
  return { apparent, allocated };
}

type Open = (dir: string) => Promise<ChunkStore>;
const STORES: Record<string, Open> = {
  lmdb: (dir) => LmdbChunkStore.open(dir),
  pack: (dir) => PackChunkStore.open(dir),
};

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

async function bench(name: string, openStore: Open): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), `verso-chunk-bench-${name}-`));
  const out: Record<string, number> = {};
  try {
    let store = await openStore(dir);
    let rawBytes = 0;
    // Only the store's calls are timed: making and hashing the chunks is left out.
    let writeMs = 0;
    for (let from = 0; from < N; from += FLUSH_EVERY) {
      const batch: Array<[Uint8Array, Uint8Array]> = [];
      for (let i = from; i < Math.min(N, from + FLUSH_EVERY); i++) {
        const bytes = chunk(i);
        rawBytes += bytes.length;
        batch.push([sha256(bytes), bytes]);
      }
      const t = process.hrtime.bigint();
      for (const [k, [hash, bytes]] of batch.entries()) {
        store.put(hash, bytes);
        if (k % 1000 === 999) await store.ready();
      }
      await store.flush();
      writeMs += ms(t);
    }
    let t0 = process.hrtime.bigint();
    out['write_ms'] = writeMs;
    out['write_chunks_per_s'] = Math.round(N / (out['write_ms'] / 1000));
    out['raw_mib'] = rawBytes / 2 ** 20;
    await store.close();

    t0 = process.hrtime.bigint();
    store = await openStore(dir);
    out['reopen_ms'] = ms(t0);
    const picks = Array.from({ length: GETS }, (_, k) => (k * 7919 + 13) % N);
    const hashes = picks.map((i) => sha256(chunk(i)));
    for (const pass of ['cold', 'warm']) {
      t0 = process.hrtime.bigint();
      for (const hash of hashes) if ((await store.get(hash)) === undefined) throw new Error('lost');
      out[`get_${pass}_us`] = (ms(t0) * 1000) / GETS;
    }
    const disk = diskBytes(dir);
    out['disk_mib'] = disk.apparent / 2 ** 20;
    out['disk_allocated_mib'] = disk.allocated / 2 ** 20;
    out['size_bytes_mib'] = (await store.sizeBytes()) / 2 ** 20;

    const times: number[] = [];
    const growth: number[] = [];
    for (let c = 0; c < COMMITS; c++) {
      const before = diskBytes(dir).allocated;
      const batch = Array.from({ length: COMMIT_CHUNKS }, (_, k) =>
        chunk(N + c * COMMIT_CHUNKS + k),
      );
      const batchHashes = batch.map(sha256);
      t0 = process.hrtime.bigint();
      for (const [k, bytes] of batch.entries()) store.put(batchHashes[k]!, bytes);
      await store.flush();
      times.push(ms(t0));
      growth.push(diskBytes(dir).allocated - before);
    }
    times.sort((a, b) => a - b);
    out['commit300_median_ms'] = times[Math.floor(COMMITS / 2)]!;
    out['commit300_growth_kib_mean'] = growth.reduce((a, b) => a + b, 0) / COMMITS / 1024;
    await store.close();
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Record<string, Record<string, number>> = {};
for (const name of values.store.split(',')) {
  const open = STORES[name];
  if (!open) throw new Error(`unknown store ${name} (lmdb, pack)`);
  results[name] = await bench(name, open);
  console.error(`${name} done`);
}
const keys = Object.keys(Object.values(results)[0] ?? {});
console.log(`chunk-store bench: ${N} chunks, ${GETS} gets, flush every ${FLUSH_EVERY}`);
console.log(['metric', ...Object.keys(results)].join('\t'));
for (const key of keys)
  console.log([key, ...Object.values(results).map((r) => (r[key] ?? NaN).toFixed(1))].join('\t'));
console.log(JSON.stringify(results));
