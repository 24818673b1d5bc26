/**
 * Probe of the apply-500-edits + commit path (bench): copies an existing repository, branches
 * `probe` from `main` and times `applyEdits` (chunk puts and gets, maintainers, flush), printing the
 * new snapshot id so a change can be checked to leave it equal. `--fresh` rewrites each put's
 * annotator and reviewer first: the bench repository already holds the chunks of its own
 * `edits-500.jsonl` (its `edit` branch), whose puts would then cost no LMDB write.
 *   node dist/bench/apply-commit-probe.js --source DIR --edits E --work DIR [--trials N] [--fresh]
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { applyEdits } from '../src/api/write/apply-edits.js';
import { createBranch } from '../src/api/repository/refs.js';
import { openRepository } from '../src/api/repository/compose.js';

const { values } = parseArgs({
  options: {
    source: { type: 'string' },
    edits: { type: 'string' },
    work: { type: 'string' },
    trials: { type: 'string' },
    fresh: { type: 'boolean' },
  },
});
let editsFile = values.edits!;
if (values.fresh) {
  const lines = readFileSync(editsFile, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const fresh = lines.map((l) => {
    const op = JSON.parse(l) as { op: string; annotator?: string; review?: { reviewer?: string } };
    if (op.op === 'put') {
      op.annotator = 'ann_probe';
      if (op.review) op.review.reviewer = 'rev_probe';
    }
    return JSON.stringify(op);
  });
  editsFile = `${values.work!}/edits-fresh.jsonl`;
  mkdirSync(values.work!, { recursive: true });
  writeFileSync(editsFile, fresh.join('\n') + '\n');
}
const trials = Number(values.trials ?? '3');
for (let t = 0; t < trials; t++) {
  const dir = `${values.work!}/t${t}`;
  rmSync(dir, { recursive: true, force: true });
  cpSync(values.source!, dir, { recursive: true });
  const repo = await openRepository(dir);
  await createBranch(repo, 'probe', 'main');
  const phases = new Map<string, number>();
  const add = (name: string, ms: number) => phases.set(name, (phases.get(name) ?? 0) + ms);
  const timed =
    <A extends unknown[], R>(name: string, f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const s = performance.now();
      try {
        return await f(...a);
      } finally {
        add(name, performance.now() - s);
      }
    };
  const maintainers = repo.maintainers.map((m) => ({ ...m, stage: timed(m.name, m.stage) }));
  (repo as { maintainers: unknown }).maintainers = maintainers;
  repo.chunks.flush = timed('flush', repo.chunks.flush.bind(repo.chunks));
  repo.catalog.recordCommit = timed(
    'catalog.recordCommit',
    repo.catalog.recordCommit.bind(repo.catalog),
  );
  repo.catalog.updateRef = timed('catalog.updateRef', repo.catalog.updateRef.bind(repo.catalog));
  let puts = 0;
  let putBytes = 0;
  let putMs = 0;
  const put = repo.chunks.put.bind(repo.chunks);
  const deferred: [Uint8Array, Uint8Array][] = [];
  const defer = process.env['PROBE_DEFER'] === '1';
  const realFlush = repo.chunks.flush.bind(repo.chunks);
  if (defer)
    repo.chunks.flush = async () => {
      const p0 = performance.now();
      for (const [h, b] of deferred) put(h, b);
      putMs += performance.now() - p0;
      return realFlush();
    };
  repo.chunks.put = (hash, bytes) => {
    puts++;
    if (defer) {
      deferred.push([hash, bytes.slice()]);
      return;
    }
    putBytes += bytes.length;
    const p0 = performance.now();
    put(hash, bytes);
    putMs += performance.now() - p0;
  };
  let gets = 0;
  let getMs = 0;
  const get = repo.chunks.get.bind(repo.chunks);
  repo.chunks.get = async (hash) => {
    gets++;
    const g0 = performance.now();
    try {
      return await get(hash);
    } finally {
      getMs += performance.now() - g0;
    }
  };
  const s = performance.now();
  const r = await applyEdits(repo, { file: editsFile, branch: 'probe' });
  const total = performance.now() - s;
  console.log(
    JSON.stringify({
      trial: t,
      totalMs: Math.round(total),
      puts,
      putBytes,
      putMs: Math.round(putMs),
      gets,
      getMs: Math.round(getMs),
      phases: Object.fromEntries([...phases].map(([k, v]) => [k, Math.round(v)])),
      commitSnapshot: r.snapshot,
    }),
  );
  await repo.close();
}
