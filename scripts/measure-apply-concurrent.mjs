#!/usr/bin/env node
/**
 * Measures concurrent writers on one branch (issue 13): W worker loops, each running
 * `verso apply` as a separate process B/W times on keys of its own (3 puts per batch), all
 * against one branch of a fresh repository. Prints how many batches landed, how many failed and
 * with which error code, the wall time, and whether the branch holds every landed batch.
 *
 *   node scripts/measure-apply-concurrent.mjs [--workers 8] [--batches 200] [--library]
 *
 * `--library`: each worker is one long-lived process applying its share of the batches through
 * `applyEdits` (no process start per batch), as a server would from several machines' requests.
 *
 * Uses the compiled CLI (`bin/verso.js`, run `npm run build` first). Small data only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = resolve(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'verso.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const WORKERS = arg('workers', 8);
const LIBRARY = process.argv.includes('--library');
const INDEX = new URL('../dist/src/index.js', import.meta.url).href;
/** One long-lived writer: applies the batch files given, prints one JSON result per batch. */
const WORKER = `
const [index, root, ...files] = process.argv.slice(1);
const lib = await import(index);
const repo = await lib.openRepository(root);
try {
  for (const file of files) {
    try {
      const r = await lib.applyEdits(repo, { file, branch: 'main' });
      console.log(JSON.stringify({ commit: r.commit, rebases: r.rebases ?? 0 }));
    } catch (e) {
      console.log(JSON.stringify({ error: { code: e.code ?? String(e) } }));
    }
  }
} finally {
  await repo.close();
}
`;
const BATCHES = arg('batches', 200);

function run(args, node = [BIN]) {
  return new Promise((res) => {
    const child = spawn(process.execPath, [...node, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VERSO_AUTHOR: 'measure' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => res({ code, out, err }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'verso-measure-'));
try {
  const repo = join(dir, 'repo');
  if ((await run(['init', repo])).code !== 0) throw new Error('init failed');
  const batches = [];
  for (let b = 0; b < BATCHES; b++) {
    const lines = [0, 1, 2].map((l) =>
      JSON.stringify({
        op: 'put',
        image: `img-${b}`,
        label: String(l),
        category: 'car',
        bbox: [l, l, 5, 5],
      }),
    );
    const file = join(dir, `batch-${b}.jsonl`);
    writeFileSync(file, lines.join('\n') + '\n');
    batches.push(file);
  }
  let next = 0;
  const landed = [];
  let rebases = 0;
  const failures = new Map();
  const started = performance.now();
  const record = (out) => {
    if (out.commit) {
      landed.push(out.commit);
      rebases += out.rebases ?? 0;
    } else failures.set(out.error.code, (failures.get(out.error.code) ?? 0) + 1);
  };
  if (LIBRARY) {
    const shares = Array.from({ length: WORKERS }, (_, w) =>
      batches.filter((_, b) => b % WORKERS === w),
    );
    const runs = await Promise.all(
      shares.map((files) => run([INDEX, repo, ...files], ['--input-type=module', '-e', WORKER])),
    );
    for (const r of runs) {
      if (r.code !== 0) throw new Error(r.err);
      for (const l of r.out.split('\n').filter(Boolean)) record(JSON.parse(l));
    }
  } else
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next < batches.length) {
          const file = batches[next++];
          const r = await run(['--repo', repo, 'apply', file, '--branch', 'main', '--json']);
          try {
            record(JSON.parse(r.out));
          } catch {
            record({ error: { code: r.err.split('\n')[0] } });
          }
        }
      }),
    );
  const wall = (performance.now() - started) / 1000;
  const log = (await run(['--repo', repo, 'log', 'main', '--json'])).out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).id);
  const labels = (await run(['--repo', repo, 'cat', 'main'])).out
    .split('\n')
    .filter(Boolean).length;
  const inHistory = landed.filter((c) => log.includes(c)).length;
  console.log(
    JSON.stringify({
      mode: LIBRARY ? 'library' : 'cli',
      workers: WORKERS,
      batches: BATCHES,
      landed: landed.length,
      rebases,
      failed: Object.fromEntries(failures),
      wall_s: Number(wall.toFixed(1)),
      landed_in_history: inHistory,
      labels_on_branch: labels,
      expected_labels: landed.length * 3,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
