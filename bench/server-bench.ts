/**
 * `npm run bench -- server [--labels 1000000] [--runs 9] [--clients 50] [--commits 1000]`
 * (layer: bench): `verso serve` as its users meet it, request to full response, against the
 * same operations as CLI processes in the same run.
 *
 * The repository is the generated dataset imported on `main` and tagged `base` (indexes built),
 * cached in `.bench-data/work/server-N`. The server is the real CLI (`verso serve`, its own
 * process, warm after the first request); the client is this process. Measured: apply of the
 * generator's 500-op batch to a fresh branch from `base` (median of --runs; target <= 60 ms), its
 * diff as NDJSON (<= 30 ms), `count --where 'class = car'` (<= 50 ms), every label streamed
 * (>= 500k labels/s), --clients clients making --commits one-label commits to one branch
 * (throughput, p50/p99; every acknowledged commit checked to be in the history), and reads under
 * load (20 clients for 10 s of `labels?where=image = ...`). Prints the table and writes
 * `bench-results/server.json`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDataset } from './gen-data.js';
import { runLoad } from './http-load.js';
import { median } from './measure.js';
import { VERSO_CLI } from './paths.js';
import { benchLog, fmtNumber, renderTable, type TableRow } from './table.js';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '9' },
    clients: { type: 'string', default: '50' },
    commits: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: '.bench-data' },
    'work-dir': { type: 'string', default: '.bench-data/work' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const N = Number(values.labels);
const RUNS = Number(values.runs);
const CLIENTS = Number(values.clients);
const COMMITS = Number(values.commits);
const log = benchLog('server');
const repoDir = resolve(values['work-dir'], `server-${N}`);

function verso(args: string[]): { ms: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [VERSO_CLI, '--repo', repoDir, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`verso ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms: performance.now() - t0, out: r.stdout };
}

const ds = await ensureDataset({
  labels: N,
  seed: Number(values.seed),
  outDir: resolve(values['data-dir'], `labels-${N}-seed-${values.seed}`),
  editSizes: [500],
});
const edits = ds.editFiles[0]!.file;
const prepared = join(repoDir, 'server-bench-prepared');
if (!existsSync(prepared)) {
  rmSync(repoDir, { recursive: true, force: true });
  mkdirSync(repoDir, { recursive: true });
  log(`importing ${N} labels`);
  verso(['init']);
  verso(['import', 'labels', ds.labelsFile]);
  verso(['index', 'build', 'main']);
  verso(['tag', 'create', 'base', 'main']);
  writeFileSync(prepared, new Date().toISOString());
} else log(`reusing ${repoDir}`);

const token = (
  JSON.parse(
    verso(['token', 'create', '--name', `bench-${Date.now()}`, '--role', 'admin', '--json']).out,
  ) as { token: string }
).token;

const server = await startServer();
const rows: TableRow[] = [];
const results: Record<string, unknown> = { labels: N };
try {
  const call = async (method: string, path: string, body?: string | Buffer) => {
    const t0 = performance.now();
    const res = await fetch(server.url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined
          ? {
              'content-type':
                typeof body === 'string' ? 'application/json' : 'application/x-ndjson',
            }
          : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return { ms, text };
  };
  const repo = `/repos/${server.name}`;
  // Reviews written through the server are the caller's: the batch names no reviewer.
  const editBytes = Buffer.from(
    readFileSync(edits, 'utf8')
      .split('\n')
      .map((line) => {
        if (!line.includes('"reviewer"')) return line;
        const op = JSON.parse(line) as { review?: Record<string, unknown> };
        if (op.review) delete op.review['reviewer'];
        return JSON.stringify(op);
      })
      .join('\n'),
  );
  await call('GET', `${repo}/count`); // opens the repository

  log('apply the 500-op batch, each to a fresh branch from base');
  const applyMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const branch = `srv-${Date.now()}-${i}`;
    await call('POST', `${repo}/branches`, JSON.stringify({ name: branch, from: 'base' }));
    applyMs.push((await call('POST', `${repo}/branches/${branch}/apply`, editBytes)).ms);
    if (i === 0) results.diff_branch = branch;
  }
  const cliApplyMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const branch = `cli-${Date.now()}-${i}`;
    verso(['branch', 'create', branch, '--from', 'base']);
    cliApplyMs.push(verso(['apply', edits, '--branch', branch]).ms);
  }
  const branch = results.diff_branch as string;
  log('diff, count');
  const diffMs: number[] = [];
  let changes = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await call('GET', `${repo}/diff?from=${branch}~1&to=${branch}`);
    diffMs.push(r.ms);
    changes = r.text.split('\n').length - 1;
  }
  const cliDiffMs = [0, 1, 2].map(() => verso(['diff', `${branch}~1`, branch, '--json']).ms);
  const where = encodeURIComponent('class = car');
  const countMs: number[] = [];
  for (let i = 0; i < RUNS; i++)
    countMs.push((await call('GET', `${repo}/count?ref=base&where=${where}`)).ms);
  const cliCountMs = [0, 1, 2].map(() => verso(['count', 'base', '--where', 'class = car']).ms);

  log('stream every label');
  const stream = await call('GET', `${repo}/labels?ref=base`);
  const streamed = stream.text.length === 0 ? 0 : stream.text.split('\n').length - 1;
  const streamRate = streamed / (stream.ms / 1000);

  log(`${CLIENTS} clients, ${COMMITS} one-label commits to one branch`);
  const loadBranch = `load-${Date.now()}`;
  await call('POST', `${repo}/branches`, JSON.stringify({ name: loadBranch, from: 'base' }));
  const acknowledged: string[] = [];
  const commits = await runLoad({
    concurrency: CLIENTS,
    total: COMMITS,
    send: async (i) => {
      const op = JSON.stringify({
        op: 'put',
        image: '00000001',
        label: `load-${i}`,
        category: 'car',
        bbox: [1, 1, 5, 5],
      });
      const res = await fetch(`${server.url}${repo}/branches/${loadBranch}/apply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body: `${op}\n`,
      });
      const body = (await res.json()) as { commit?: string };
      if (res.status === 200 && body.commit) acknowledged.push(body.commit);
      return res.status;
    },
  });
  const history = new Set(
    (await call('GET', `${repo}/log?ref=${loadBranch}&max_count=${COMMITS + 10}`)).text
      .split('\n')
      .filter((l) => l)
      .map((l) => (JSON.parse(l) as { id: string }).id),
  );
  const lost = acknowledged.filter((c) => !history.has(c)).length;

  log('reads under load: 20 clients, 10 s');
  const reads = await runLoad({
    concurrency: 20,
    total: 1e9,
    seconds: 10,
    send: async (i) => {
      const image = String(1 + ((i * 7919) % Math.max(1, ds.images))).padStart(8, '0');
      const res = await fetch(
        `${server.url}${repo}/labels?ref=base&where=${encodeURIComponent(`image = "${image}"`)}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      await res.arrayBuffer();
      return res.status;
    },
  });

  const ms = (x: number) => `${fmtNumber(x)} ms`;
  rows.push(
    {
      operation: 'apply 500 edits, request to response (median)',
      measured: ms(median(applyMs)),
      target: '<= 60 ms',
      ok: median(applyMs) <= 60,
    },
    {
      operation: 'apply 500 edits, CLI process (median of 3)',
      measured: ms(median(cliApplyMs)),
      target: '',
      ok: null,
    },
    {
      operation: `diff of that commit, NDJSON (${changes} changes)`,
      measured: ms(median(diffMs)),
      target: '<= 30 ms',
      ok: median(diffMs) <= 30,
    },
    {
      operation: 'diff, CLI process --json',
      measured: ms(median(cliDiffMs)),
      target: '',
      ok: null,
    },
    {
      operation: "count --where 'class = car'",
      measured: ms(median(countMs)),
      target: '<= 50 ms',
      ok: median(countMs) <= 50,
    },
    { operation: 'count, CLI process', measured: ms(median(cliCountMs)), target: '', ok: null },
    {
      operation: `stream ${streamed} labels`,
      measured: `${fmtNumber(streamRate / 1000)}k labels/s`,
      target: '>= 500k/s',
      ok: streamRate >= 500_000,
    },
    {
      operation: `${COMMITS} commits by ${CLIENTS} clients: throughput`,
      measured: `${fmtNumber(commits.perSecond)} commits/s`,
      target: '',
      ok: null,
    },
    {
      operation: '  latency p50 / p99',
      measured: `${fmtNumber(commits.p50)} / ${fmtNumber(commits.p99)} ms`,
      target: '',
      ok: null,
    },
    {
      operation: '  statuses; acknowledged lost',
      measured: `${JSON.stringify(commits.statuses)}; ${lost}`,
      target: 'lost 0',
      ok: lost === 0,
    },
    {
      operation: 'reads under load (labels where image =)',
      measured: `${fmtNumber(reads.perSecond)} req/s, p99 ${fmtNumber(reads.p99)} ms`,
      target: '',
      ok: null,
    },
  );
  Object.assign(results, {
    applyMs,
    cliApplyMs,
    diffMs,
    cliDiffMs,
    countMs,
    cliCountMs,
    streamed,
    streamRate,
    commits,
    lost,
    reads,
  });
} finally {
  server.process.kill('SIGTERM');
}
process.stdout.write(renderTable(`verso serve, ${N} labels (client on the same machine)`, rows));
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'server.json'), JSON.stringify({ results, rows }, null, 2));

async function startServer(): Promise<{ url: string; name: string; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=3072', VERSO_CLI, '--repo', repoDir, 'serve', '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) done(out);
    });
    child.once('exit', (code) => fail(new Error(`verso serve exited ${code}`)));
  });
  const url = /(http:\/\/\S+)/.exec(line)?.[1];
  const name = /\/repos\/(\S+?),? at/.exec(line)?.[1];
  if (!url || !name) throw new Error(`cannot read the server's address from: ${line}`);
  return { url, name, process: child };
}
