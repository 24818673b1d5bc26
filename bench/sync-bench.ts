/**
 * `npm run bench -- sync [--labels 100000]`: remotes over loopback HTTP (layer: bench).
 *
 * An origin repository of the generated dataset is served by a Fastify server in a worker thread
 * (`sync-server-worker.ts`: the sync routes, `server/routes/sync-routes.ts`) on 127.0.0.1; the client is the HTTP
 * transport (`remote/`) driving the sync verbs, as `verso clone/fetch/push` do. Measured: clone
 * (chunk data MB/s and bytes on the wire), fetch after a 500-edit commit on the origin (chunks,
 * wire bytes, time), push of a 501-edit commit from the clone. Targets from issue 13 (set at 1M
 * labels): clone >= 100 MB/s of chunk data, fetch after 500 edits <= 2 MiB in <= 300 ms, push
 * <= 300 ms. Writes `bench-results/sync.json`.
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { importLabels } from '../src/api/ingest/index.js';
import { initRepository, openRepository } from '../src/api/repository/index.js';
import { cloneRepository, fetchFrom, pushTo } from '../src/api/sync/index.js';
import { applyEdits } from '../src/api/write/index.js';
import { HttpSyncPeer } from '../src/remote/index.js';
import { ensureDataset } from './gen-data.js';
import { benchLog, renderTable, type TableRow } from './table.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== 'sync'),
  options: {
    labels: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: '.bench-data' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const labels = Number(values.labels);
const seed = Number(values.seed);
const log = benchLog('sync');

const ds = await ensureDataset({
  labels,
  seed,
  outDir: resolve(values['data-dir'], `labels-${labels}-seed-${seed}`),
  editSizes: [500, 501],
});
// The imported origin is cached (`origin-base`, `.imported` once complete).
const work = resolve(values['data-dir'], 'work', `sync-${labels}`);
const marker = join(work, '.imported');
if (!existsSync(marker)) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(`importing ${labels} labels`);
  await initRepository(join(work, 'origin-base'));
  const fresh = await openRepository(join(work, 'origin-base'));
  await importLabels(fresh, { file: ds.labelsFile, branch: 'main' });
  await fresh.close();
  writeFileSync(marker, '');
}
rmSync(join(work, 'clone'), { recursive: true, force: true });
rmSync(join(work, 'clone-raw'), { recursive: true, force: true });
// Each run starts from the imported origin (a copy), so every run sends the same chunks.
rmSync(join(work, 'origin'), { recursive: true, force: true });
cpSync(join(work, 'origin-base'), join(work, 'origin'), { recursive: true });

// The origin is served from its own thread, as a server process would be.
const worker = new Worker(new URL('./sync-server-worker.js', import.meta.url), {
  workerData: { root: join(work, 'origin') },
});
const ask = (msg: object): Promise<Record<string, unknown>> =>
  new Promise((done, fail) => {
    worker.once('message', done);
    worker.once('error', fail);
    worker.postMessage(msg);
  });
const { url, token } = (await new Promise((done) => worker.once('message', done))) as {
  url: string;
  token: string;
};

let wire = 0;
const counting: typeof fetch = async (input, init) => {
  const body = init?.body;
  if (typeof body === 'string') wire += Buffer.byteLength(body);
  else if (body instanceof Uint8Array) wire += body.length;
  const r = await fetch(input, init);
  const bytes = await r.arrayBuffer();
  wire += bytes.byteLength;
  return new Response(bytes, { status: r.status, headers: r.headers });
};
const peer = new HttpSyncPeer(url, { token, fetch: counting });
const mib = (n: number) => `${(n / (1 << 20)).toFixed(2)} MiB`;
const time = async <T>(fn: () => Promise<T>): Promise<{ ms: number; r: T }> => {
  const t0 = performance.now();
  const r = await fn();
  return { ms: performance.now() - t0, r };
};

log('clone');
wire = 0;
const cloned = await time(() => cloneRepository(join(work, 'clone'), peer, { url }));
const cloneWire = wire;

log('clone without compression');
wire = 0;
const rawPeer = new HttpSyncPeer(url, { token, fetch: counting, compress: false });
const clonedRaw = await time(() => cloneRepository(join(work, 'clone-raw'), rawPeer, { url }));
const cloneRawWire = wire;
const clone = await openRepository(join(work, 'clone'));

log('fetch after a 500-edit commit');
await ask({ apply: ds.editFiles[0]!.file });
wire = 0;
const fetched = await time(() => fetchFrom(clone, peer, { remote: 'origin' }));
const fetchWire = wire;

log('push of a 501-edit commit');
await clone.catalog.updateRef(
  'main',
  'branch',
  (await clone.catalog.getRef('main'))!.target,
  (await clone.catalog.getRef('origin/main'))!.target,
);
await applyEdits(clone, { file: ds.editFiles[1]!.file, branch: 'main' });
wire = 0;
const pushed = await time(() => pushTo(clone, peer, { remote: 'origin', branch: 'main' }));
const pushWire = wire;

await ask({ close: true });
await worker.terminate();
await clone.close();

const cloneMBs = cloned.r.bytes / 1e6 / (cloned.ms / 1000);
const rows: TableRow[] = [
  {
    operation: `clone ${labels} labels (${cloned.r.chunks} chunks, ${mib(cloned.r.bytes)}; wire ${mib(cloneWire)})`,
    measured: `${cloneMBs.toFixed(1)} MB/s (${cloned.ms.toFixed(0)} ms)`,
    target: '>= 100 MB/s',
    ok: cloneMBs >= 100,
  },
  {
    operation: `clone, records not compressed (wire ${mib(cloneRawWire)})`,
    measured: `${(clonedRaw.r.bytes / 1e6 / (clonedRaw.ms / 1000)).toFixed(1)} MB/s (${clonedRaw.ms.toFixed(0)} ms)`,
    target: '>= 100 MB/s',
    ok: clonedRaw.r.bytes / 1e6 / (clonedRaw.ms / 1000) >= 100,
  },
  {
    operation: `fetch after 500 edits (${fetched.r.chunks} chunks, ${fetched.r.asked} ids asked)`,
    measured: `${mib(fetchWire)} wire, ${fetched.ms.toFixed(0)} ms`,
    target: '<= 2 MiB, <= 300 ms',
    ok: fetchWire <= 2 << 20 && fetched.ms <= 300,
  },
  {
    operation: `push of 501 edits (${pushed.r.chunks} chunks)`,
    measured: `${mib(pushWire)} wire, ${pushed.ms.toFixed(0)} ms`,
    target: '<= 300 ms',
    ok: pushed.ms <= 300,
  },
];
process.stdout.write(renderTable(`Sync over loopback HTTP, ${labels} labels`, rows));
mkdirSync(values.out, { recursive: true });
writeFileSync(
  join(values.out, 'sync.json'),
  JSON.stringify(
    {
      labels,
      clone: { ms: cloned.ms, chunks: cloned.r.chunks, bytes: cloned.r.bytes, wire: cloneWire },
      cloneUncompressed: { ms: clonedRaw.ms, bytes: clonedRaw.r.bytes, wire: cloneRawWire },
      fetch500: {
        ms: fetched.ms,
        chunks: fetched.r.chunks,
        bytes: fetched.r.bytes,
        wire: fetchWire,
        asked: fetched.r.asked,
      },
      push501: { ms: pushed.ms, chunks: pushed.r.chunks, bytes: pushed.r.bytes, wire: pushWire },
    },
    null,
    2,
  ),
);
