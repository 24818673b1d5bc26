/**
 * One in-library scale-out run on one repository, in its own process (layer: bench). Prints one
 * JSON object (`ScaleoutRunResult`) on stdout.
 *
 *   node dist/bench/scaleout-run.js --phase setup --repo DIR --labels-file F
 *       [--catalog postgres://... --store s3://...]
 *   node dist/bench/scaleout-run.js --phase ops --repo DIR --edits-file E [--mark-url URL]
 *       [--tag T]
 *
 * `setup`: init (on PostgreSQL + S3 when --catalog and --store are given, else embedded),
 * import the labels to `main`, build the indexes, tag `base`. `ops`: apply the edit batch to a
 * fresh branch from `base`, the diff of that commit, `count base --where 'class = car'`, and every
 * label of `base` streamed to a file; each operation opens the repository anew (timed apart
 * as `open`), with the chunk read cache emptied first, so every figure is a cold process's.
 * With `--mark-url` (the latency proxy, `s3-latency-proxy.ts`) each open and each operation is
 * announced to the proxy first, which counts its S3 requests and round-trip depth.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importLabels } from '../src/api/ingest/import-labels.js';
import { buildIndexes } from '../src/api/query/tree-index.js';
import { catLabelBlocks } from '../src/api/read/cat.js';
import { countLabels } from '../src/api/read/count.js';
import { diffRefs } from '../src/api/read/diff.js';
import { openRepository } from '../src/api/repository/compose.js';
import { initRepository } from '../src/api/repository/init-repository.js';
import { createBranch, createTag } from '../src/api/repository/refs.js';
import { versoDir, type Repository } from '../src/api/repository/repository.js';
import { snapshotAtRef } from '../src/api/repository/snapshot-at.js';
import { applyEdits } from '../src/api/write/apply-edits.js';
import { OutputFile } from '../src/io/output-file.js';
import { treeRoot } from '../src/vcs/snapshot.js';
import { peakRssBytes, timeMs } from './measure.js';

/** One timed step; `requests` is the S3 store's own count (remote repositories only). */
export interface RunStep {
  readonly name: string;
  readonly ms: number;
  readonly openMs: number;
  readonly requests?: Record<string, number>;
  readonly openRequests?: Record<string, number>;
  /** What the step produced: labels imported, changes, count, lines. */
  readonly result: number;
}

export interface ScaleoutRunResult {
  readonly phase: 'setup' | 'ops';
  readonly steps: readonly RunStep[];
  /** Levels of the labels tree of `base` (root level + 1). */
  readonly treeDepth: number;
  /** Chunks in the store and live packs (remote only). */
  readonly chunks: number;
  readonly packs?: number;
  readonly rssBytes: number;
}

const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    repo: { type: 'string' },
    'labels-file': { type: 'string' },
    'edits-file': { type: 'string' },
    catalog: { type: 'string' },
    store: { type: 'string' },
    'mark-url': { type: 'string' },
    tag: { type: 'string', default: 'run' },
  },
});
const dir = values.repo!;
const markUrl = values['mark-url'];

interface CountingStore {
  requestCounts(): Record<string, number>;
  packCount(): number;
}
const counting = (repo: Repository): CountingStore | undefined =>
  'requestCounts' in repo.chunks ? (repo.chunks as unknown as CountingStore) : undefined;

async function mark(name: string): Promise<void> {
  if (markUrl === undefined) return;
  await fetch(`${markUrl}/__mark/${encodeURIComponent(name)}`, { method: 'POST' }).then((r) =>
    r.text(),
  );
}

const diff = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - (a[k] ?? 0)]));

/** Opens the repository cold (read cache emptied), runs `work`, closes it. */
async function step(
  name: string,
  work: (repo: Repository) => Promise<number>,
  before?: (repo: Repository) => Promise<void>,
): Promise<RunStep> {
  rmSync(join(versoDir(dir), 'cache'), { recursive: true, force: true });
  await mark(`lib:open:${name}`);
  const opened = await timeMs(() => openRepository(dir));
  const repo = opened.value;
  try {
    const store = counting(repo);
    const openRequests = store?.requestCounts();
    if (before) {
      await mark(`lib:prepare:${name}`);
      await before(repo);
    }
    const atStart = store?.requestCounts();
    await mark(`lib:${name}`);
    const done = await timeMs(() => work(repo));
    await mark('lib:idle');
    return {
      name,
      ms: done.ms,
      openMs: opened.ms,
      result: done.value,
      ...(store ? { requests: diff(atStart!, store.requestCounts()), openRequests } : {}),
    };
  } finally {
    await repo.close();
  }
}

async function treeDepth(): Promise<{ depth: number; chunks: number; packs?: number }> {
  const repo = await openRepository(dir);
  try {
    const { snap } = await snapshotAtRef(repo, 'base');
    const root = await repo.nodes.load(treeRoot(snap, 'labels'));
    let chunks = 0;
    for await (const _ of repo.chunks.hashes()) chunks++;
    const packs = counting(repo)?.packCount();
    return { depth: root.level + 1, chunks, ...(packs !== undefined ? { packs } : {}) };
  } finally {
    await repo.close();
  }
}

const steps: RunStep[] = [];
if (values.phase === 'setup') {
  rmSync(dir, { recursive: true, force: true });
  const remote =
    values.catalog !== undefined ? { catalog: values.catalog, store: values.store! } : {};
  const init = await timeMs(() => initRepository(dir, remote));
  steps.push({ name: 'init', ms: init.ms, openMs: 0, result: 0 });
  steps.push(
    await step(
      'import',
      async (repo) =>
        (await importLabels(repo, { file: values['labels-file']!, branch: 'main' })).lines,
    ),
  );
  steps.push(
    await step('index build', async (repo) => {
      await buildIndexes(repo, 'main');
      await createTag(repo, 'base', 'main');
      return 0;
    }),
  );
} else {
  const branch = `lib-${values.tag}`;
  steps.push(
    await step(
      'apply-500',
      async (repo) => {
        await applyEdits(repo, { file: values['edits-file']!, branch });
        return 500;
      },
      async (repo) => void (await createBranch(repo, branch, 'base')),
    ),
  );
  steps.push(
    await step('diff', async (repo) => {
      let n = 0;
      for await (const _ of diffRefs(repo, `${branch}~1`, branch)) n++;
      return n;
    }),
  );
  steps.push(
    await step(
      'count --where',
      async (repo) => (await countLabels(repo, 'base', 'class = car')).labels,
    ),
  );
  steps.push(
    await step('cat', async (repo) => {
      const file = `${dir}.cat.jsonl`;
      const out = OutputFile.open(file);
      let lines = 0;
      for await (const block of catLabelBlocks(repo, 'base')) {
        for (let i = block.indexOf(10); i >= 0; i = block.indexOf(10, i + 1)) lines++;
        await out.write(block);
      }
      await out.close();
      rmSync(file, { force: true });
      return lines;
    }),
  );
}
const shape = await treeDepth();
const result: ScaleoutRunResult = {
  phase: values.phase === 'setup' ? 'setup' : 'ops',
  steps,
  treeDepth: shape.depth,
  chunks: shape.chunks,
  ...(shape.packs !== undefined ? { packs: shape.packs } : {}),
  rssBytes: peakRssBytes(),
};
process.stdout.write(JSON.stringify(result) + '\n');
