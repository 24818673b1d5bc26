/**
 * PackChunkStore under real SIGKILL: a child process appends batches of chunks (and gc-deletes
 * some), printing each batch it has flushed; it is killed mid-append at several moments, and at
 * named points of sealing and repacking (the `pack-*` failpoints of `core/failpoints.ts`, armed
 * by the child script from environment variables). The child runs the compiled store (`dist/`,
 * built by `npm test` before vitest; `test/require-fixtures.ts` fails the run without it). After reopening, every chunk of every acknowledged flush is readable
 * and hashes to its name, acknowledged deletions stay deleted, and each hash is listed once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILPOINTS, type FailpointName } from '../../core/failpoints.js';
import { hashToHex, sha256 } from '../../core/hash.js';
import { PackChunkStore } from './pack-chunk-store.js';

const DIST = new URL('../../../dist/src/', import.meta.url);
const STORE_MODULE = new URL('store/pack/pack-chunk-store.js', DIST).href;
const FAILPOINTS_MODULE = new URL('core/failpoints.js', DIST).href;

/** Where the child dies: a pack failpoint and which pass through it (1 = the first). */
const POINTS: readonly (readonly [FailpointName, number])[] = [
  ['pack-append-written', 3], // written, not yet fsynced
  ['pack-index-half', 1], // half of a sealed pack's index written
  ['pack-index-written', 1], // index complete, not renamed
  ['pack-journal-half', 2], // a seal's next journal half-written (hit 1 is the new store's first)
  ['pack-journal-written', 1], // the next journal created, manifest not yet replaced
  ['pack-journal-renamed', 2], // a seal's next journal in place, manifest not yet replaced
  ['pack-manifest-half', 1],
  ['pack-manifest-written', 2],
  ['pack-manifest-renamed', 1], // seal complete; old journal's handle still open
  ['pack-repack-written', 1], // gc's new pack written, not indexed or listed
  ['pack-index-renamed', 3], // an index in place (a seal's or a repack's), manifest not replaced
  ['pack-manifest-renamed', 4], // a repack listed, old packs not yet unlinked
];
const BATCHES = 12;
const PER_BATCH = 40;
const SEAL_BYTES = 400_000;

/**
 * The chunks both processes make, as module source (written next to the child; the parent
 * imports the same file): chunk `i` of batch `b`, ~4 KiB, every other one compressible.
 */
const CHUNKS = `import { createHash } from 'node:crypto';
export const sha256 = (b) => new Uint8Array(createHash('sha256').update(b).digest());
export function chunk(b, i) {
  const size = 3000 + ((b * 131 + i * 17) % 2000);
  if (i % 2 === 1) return new TextEncoder().encode(\`{"batch":\${b},"item":\${i},"label":"car"}\`.repeat(size / 40));
  const out = new Uint8Array(size);
  let x = b * 1000 + i + 1;
  for (let k = 0; k < size; k++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out[k] = x & 0xff; }
  return out;
}
`;
let chunk: (b: number, i: number) => Uint8Array;

const CHILD = `
import { PackChunkStore } from '${STORE_MODULE}';
import { armFailpoint } from '${FAILPOINTS_MODULE}';
import { chunk, sha256 } from './chunks.mjs';
import { writeSync } from 'node:fs';
const [dir, point, hits] = [process.env.PACK_DIR, process.env.PACK_FAILPOINT, Number(process.env.PACK_FAILPOINT_HIT ?? 1)];
const store = await PackChunkStore.open(dir, { sealBytes: ${SEAL_BYTES} });
let seen = 0;
if (point) armFailpoint(point, () => { if (++seen === hits) process.kill(process.pid, 'SIGKILL'); });
writeSync(1, 'open\\n');
for (let b = 0; b < ${BATCHES}; b++) {
  for (let i = 0; i < ${PER_BATCH}; i++) { const c = chunk(b, i); store.put(sha256(c), c); }
  await store.flush();
  writeSync(1, 'flushed ' + b + '\\n');
  if (b % 5 === 4) {
    const gone = [];
    for (let i = 0; i < ${PER_BATCH}; i += 3) gone.push(sha256(chunk(b - 2, i)));
    writeSync(1, 'deleting ' + (b - 2) + '\\n');
    await store.delete(gone);
    writeSync(1, 'deleted ' + (b - 2) + '\\n');
  }
}
await store.close();
writeSync(1, 'done\\n');
`;

let bundle: string;
beforeAll(async () => {
  bundle = mkdtempSync(join(tmpdir(), 'verso-pack-child-'));
  writeFileSync(join(bundle, 'chunks.mjs'), CHUNKS);
  writeFileSync(join(bundle, 'child.mjs'), CHILD);
  ({ chunk } = (await import(pathToFileURL(join(bundle, 'chunks.mjs')).href)) as {
    chunk: typeof chunk;
  });
});
afterAll(() => rmSync(bundle, { recursive: true, force: true }));

interface Run {
  flushed: number;
  deleted: number[];
  /** A deletion started and not acknowledged. */
  deleting?: number;
  killed: boolean;
}

/** Runs the child; kills it `kill.ms` after it acknowledged batch `kill.after` (unless a failpoint does). */
function runChild(
  dir: string,
  env: Record<string, string>,
  kill?: { after: number; ms: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(bundle, 'child.mjs')], {
      env: { ...process.env, PACK_DIR: dir, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const run: Run = { flushed: -1, deleted: [], killed: false };
    let out = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      if (kill && out.includes(`flushed ${kill.after}\n`) && !out.includes('armed')) {
        out += 'armed\n';
        setTimeout(() => child.kill('SIGKILL'), kill.ms);
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      for (const line of out.split('\n')) {
        const [what, n] = line.split(' ');
        if (what === 'flushed') run.flushed = Number(n);
        if (what === 'deleting') run.deleting = Number(n);
        if (what === 'deleted') {
          run.deleted.push(Number(n));
          delete run.deleting;
        }
      }
      run.killed = signal === 'SIGKILL';
      resolve(run);
    });
  });
}

/** Reopens the store and checks every acknowledged chunk and deletion. */
async function checkStore(dir: string, run: Run): Promise<void> {
  const store = await PackChunkStore.open(dir, { create: false, sealBytes: SEAL_BYTES });
  try {
    for (let b = 0; b <= run.flushed; b++) {
      for (let i = 0; i < PER_BATCH; i++) {
        const bytes = chunk(b, i);
        const doomed = i % 3 === 0;
        const deleted = doomed && run.deleted.includes(b);
        const got = await store.get(sha256(bytes)); // checks the SHA-256 itself
        if (doomed && run.deleting === b) continue; // killed mid-gc: either is right
        if (deleted) expect(got, `batch ${b} chunk ${i} was deleted`).toBeUndefined();
        else
          expect(got && Buffer.from(got).equals(Buffer.from(bytes)), `batch ${b} chunk ${i}`).toBe(
            true,
          );
      }
    }
    const listed: string[] = [];
    for await (const h of store.hashes()) listed.push(hashToHex(h));
    expect(new Set(listed).size).toBe(listed.length);
  } finally {
    await store.close();
  }
}

describe('PackChunkStore SIGKILL', () => {
  it.each([
    [0, 0],
    [2, 3],
    [5, 1],
    [8, 6],
  ])('killed after batch %i + %i ms, amid appends, seals and repacks', async (after, ms) => {
    const dir = mkdtempSync(join(tmpdir(), 'verso-pack-kill-'));
    try {
      const run = await runChild(dir, {}, { after, ms });
      expect(run.killed).toBe(true);
      await checkStore(dir, run);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the scenarios kill at every pack failpoint', () => {
    expect(new Set(POINTS.map(([p]) => p))).toEqual(
      new Set(FAILPOINTS.filter((f) => f.startsWith('pack-'))),
    );
  });

  it.each(POINTS)('killed at failpoint %s (hit %i)', async (point, hit) => {
    const dir = mkdtempSync(join(tmpdir(), 'verso-pack-kill-'));
    try {
      const run = await runChild(dir, { PACK_FAILPOINT: point, PACK_FAILPOINT_HIT: String(hit) });
      expect(run.killed).toBe(true);
      await checkStore(dir, run);
      // the store goes on: a further run appends to it and completes
      const again = await runChild(dir, {});
      expect(again.killed).toBe(false);
      await checkStore(dir, again);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
