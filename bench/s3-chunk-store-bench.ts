/**
 * `node dist/bench/s3-chunk-store-bench.js [--chunks 500] [--packs 100] [--latency-ms 20]`: the
 * S3 chunk store against a local s3rver (layer: bench).
 *
 * Measures, each with the S3 requests it made: a flush of a batch of label-like chunks (3.5-4.5
 * KiB of JSON text), a cold read of the same chunks (fresh instance, empty read cache) one `get`
 * at a time and with one `getMany`, the same reads again from the read cache, and opening a
 * store of `--packs` packs. The reads are also run with `--latency-ms` added to every S3
 * request (a middleware), where round trips, not bytes, decide. Prints a table and the raw
 * numbers as JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { sha256 } from '../src/core/hash.js';
import { S3PackChunkStore } from '../src/store/s3/s3-pack-chunk-store.js';
import type { S3PackChunkStoreOptions } from '../src/store/s3/s3-pack-chunk-store.js';
import { startS3Server } from './servers/s3-server.js';

const { values } = parseArgs({
  options: {
    chunks: { type: 'string', default: '500' },
    packs: { type: 'string', default: '100' },
    'latency-ms': { type: 'string', default: '20' },
  },
});
const N = Number(values.chunks);
const PACKS = Number(values.packs);
const LATENCY_MS = Number(values['latency-ms']);
const BUCKET = 'verso-bench';

/** Chunk `i`: label-like JSON lines, 3.5-4.5 KiB, deterministic. */
function chunk(i: number): Uint8Array {
  let x = (i * 2654435761) >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const target = 3584 + Math.floor(next() * 1024);
  let text = '';
  while (text.length < target)
    text += `{"image":"img_${Math.floor(next() * 1e7)}.jpg","class":"c${Math.floor(next() * 80)}","bbox":[${(next() * 640).toFixed(1)},${(next() * 480).toFixed(1)},${(next() * 200).toFixed(1)},${(next() * 200).toFixed(1)}],"score":${next().toFixed(4)}}\n`;
  return new TextEncoder().encode(text.slice(0, target));
}

function addLatency(client: S3Client, ms: number): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'benchLatency' },
  );
}

interface Row {
  readonly what: string;
  readonly ms: number;
  readonly requests: string;
}

const rows: Row[] = [];
const server = await startS3Server([BUCKET]);
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'verso-s3-bench-'));
  dirs.push(dir);
  return dir;
};

async function timed<T>(what: string, store: S3PackChunkStore, work: () => Promise<T>): Promise<T> {
  const before = store.requestCounts();
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  const after = store.requestCounts();
  const requests = (['get', 'put', 'list', 'delete', 'head'] as const)
    .map((k) => [k, after[k] - before[k]] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k.toUpperCase()}`)
    .join(', ');
  rows.push({ what, ms: Math.round(ms * 10) / 10, requests: requests || '0' });
  return result;
}

try {
  const chunks = Array.from({ length: N }, (_, i) => chunk(i));
  const hashes = chunks.map((bytes) => sha256(bytes));
  const base = (client: S3Client, prefix: string): S3PackChunkStoreOptions => ({
    client,
    location: { bucket: BUCKET, prefix },
    cacheDir: tempDir(),
    maxSmallPacks: PACKS + 10,
  });

  // A flush of N chunks.
  const client = server.client();
  const writer = await S3PackChunkStore.open({ ...base(client, 'flush'), create: true });
  for (const [i, bytes] of chunks.entries()) writer.put(hashes[i]!, bytes);
  await timed(`flush of ${N} chunks (one pack + index)`, writer, () => writer.flush());
  const packBytes = await writer.sizeBytes();

  for (const latency of [0, LATENCY_MS]) {
    const reading = server.client();
    if (latency > 0) addLatency(reading, latency);
    const tag = latency > 0 ? ` (+${latency} ms per request)` : '';
    const one = await S3PackChunkStore.open({ ...base(reading, 'flush') });
    await timed(`cold read of ${N} chunks, get one at a time${tag}`, one, async () => {
      for (const hash of hashes) await one.get(hash);
    });
    await timed(`warm read of ${N} chunks from the read cache, get${tag}`, one, async () => {
      for (const hash of hashes) await one.get(hash);
    });
    const many = await S3PackChunkStore.open({ ...base(reading, 'flush') });
    await timed(`cold read of ${N} chunks, one getMany${tag}`, many, () => many.getMany(hashes));
    await timed(`warm read of ${N} chunks from the read cache, getMany${tag}`, many, () =>
      many.getMany(hashes),
    );
    await Promise.all([one.close(), many.close()]);
  }

  // Open a store of PACKS packs.
  const packed = await S3PackChunkStore.open({ ...base(client, 'packs'), create: true });
  const perPack = Math.max(1, Math.floor(N / PACKS));
  for (let p = 0; p < PACKS; p++) {
    for (let i = p * perPack; i < (p + 1) * perPack; i++)
      packed.put(sha256(chunk(N + i)), chunk(N + i));
    await packed.flush();
  }
  for (const latency of [0, LATENCY_MS]) {
    const opening = server.client();
    if (latency > 0) addLatency(opening, latency);
    const tag = latency > 0 ? ` (+${latency} ms per request)` : '';
    const start = performance.now();
    const opened = await S3PackChunkStore.open({ ...base(opening, 'packs') });
    const counts = opened.requestCounts();
    rows.push({
      what: `open a store of ${opened.packCount()} packs (${PACKS * perPack} chunks)${tag}`,
      ms: Math.round((performance.now() - start) * 10) / 10,
      requests: `${counts.head} HEAD, ${counts.list} LIST, ${counts.get} GET`,
    });
    await opened.close();
  }

  const width = Math.max(...rows.map((r) => r.what.length));
  process.stdout.write(
    `S3PackChunkStore on s3rver (127.0.0.1), ${N} chunks of 3.5-4.5 KiB, pack ${packBytes} bytes\n\n`,
  );
  process.stdout.write(`${'operation'.padEnd(width)}  ${'ms'.padStart(8)}  S3 requests\n`);
  for (const r of rows)
    process.stdout.write(`${r.what.padEnd(width)}  ${String(r.ms).padStart(8)}  ${r.requests}\n`);
  process.stdout.write(`\n${JSON.stringify({ chunks: N, packs: PACKS, packBytes, rows })}\n`);
} finally {
  await server.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
