/**
 * Faults under a repository on PostgreSQL + S3, at the repository level: the CLI (real child
 * processes) runs import, apply, merge and gc while
 *
 * - S3 requests fail now and then (503, throttling, 500, connections cut as a timeout would,
 *   from a fault-injecting proxy in front of s3rver that `AWS_ENDPOINT_URL_S3` points at): the
 *   SDK's retries absorb them; every operation succeeds and gives exactly the commits and
 *   snapshots a repository without faults gives; verify is clean;
 * - S3 refuses every write (PUT): each operation fails with a clear error naming the bucket,
 *   no stack trace, and nothing half-visible: the branch unchanged, verify clean, and the same
 *   operation succeeds once S3 is back;
 * - PostgreSQL connections of the repository are dropped (`pg_terminate_backend`) again and
 *   again while the operation runs: it succeeds (reads and idempotent writes retried), or fails
 *   with a clear error; either way the branch is at its old head or at a complete new commit,
 *   verify is clean, and the operation succeeds once the drops stop.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectOk,
  TestRepo,
  useTempRoot,
  verso,
  writeJsonLines,
  type RunResult,
} from '../e2e/helpers.js';
import { useScaleoutBackends } from './backends.js';
import { startFaultProxy, type FaultProxy, type S3FaultKind } from './fault-proxy.js';

const tmp = useTempRoot('scaleout-faults');
const backends = useScaleoutBackends();
const COMMIT_TIME = '2026-03-01T12:00:00.000Z';

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(backends().s3.endpoint);
});
afterAll(async () => {
  await proxy?.close();
});

/** The environment of a command through the proxy (faults) or straight to s3rver. */
function envFor(viaProxy: boolean): Record<string, string> {
  return {
    VERSO_COMMIT_TIME: COMMIT_TIME,
    ...(viaProxy ? { AWS_ENDPOINT_URL_S3: proxy.url } : {}),
  };
}

/** A repository on PostgreSQL + S3; `viaProxy`: its S3 requests go through the fault proxy. */
class FaultRepo extends TestRepo {
  constructor(
    root: string,
    readonly viaProxy: boolean,
  ) {
    super(root);
  }

  cli(args: readonly string[]): Promise<RunResult> {
    return verso(['--repo', this.root, ...args], { process: true, env: envFor(this.viaProxy) });
  }

  async must(args: readonly string[]): Promise<string> {
    return expectOk(await this.cli(args), `verso ${args.join(' ')}`).stdout;
  }

  /** The head of `branch` (read straight from s3rver, in this process). */
  headOf(branch: string): Promise<string> {
    return this.head(branch);
  }
}

async function makeRepo(schema: string, viaProxy: boolean): Promise<FaultRepo> {
  const b = backends();
  const root = join(tmp.root(), schema);
  const store = await b.storeUrl('verso-faults', schema);
  expectOk(
    await verso(['init', root, '--catalog', b.catalogUrl(schema), '--store', store], {
      process: true,
      env: envFor(false),
    }),
  );
  return new FaultRepo(root, viaProxy);
}

function labelFile(name: string, image: (i: number) => string, n: number, x: number): string {
  return writeJsonLines(
    join(tmp.root(), `${name}.jsonl`),
    Array.from({ length: n }, (_, i) => ({
      image: image(i),
      label: String(i),
      category: i % 3 === 0 ? 'person' : 'car',
      bbox: [x + i, 1, 10, 10],
    })),
  );
}

function editFile(name: string, image: string, n: number): string {
  return writeJsonLines(
    join(tmp.root(), `${name}.jsonl`),
    Array.from({ length: n }, (_, i) => ({
      op: 'put',
      image,
      label: String(i),
      category: 'car',
      bbox: [i, 2, 3, 4],
    })),
  );
}

/** The operations each test runs, in order; each is one CLI command that moves `branch`. */
function operations(): { name: string; branch: string; args: string[] }[] {
  const apply = (name: string, branch: string, n: number) => ({
    name: `apply ${branch}`,
    branch,
    args: ['apply', editFile(`${name}-edit`, name, n), '--branch', branch],
  });
  return [
    {
      name: 'import',
      branch: 'main',
      args: ['import', 'labels', labelFile('base', (i) => `img${i % 40}`, 400, 0)],
    },
    { name: 'branch feature', branch: 'main', args: ['branch', 'create', 'feature'] },
    { name: 'branch scrap', branch: 'main', args: ['branch', 'create', 'scrap'] },
    apply('feature', 'feature', 30),
    apply('scrap', 'scrap', 25),
    apply('main', 'main', 20),
    { name: 'merge', branch: 'main', args: ['merge', 'feature', '--into', 'main'] },
    { name: 'drop feature', branch: 'main', args: ['branch', 'delete', 'feature', '--force'] },
    { name: 'drop scrap', branch: 'main', args: ['branch', 'delete', 'scrap', '--force'] },
    { name: 'gc', branch: 'main', args: ['gc'] },
  ];
}

/** Whether an operation writes objects to S3 (branch create and delete touch the catalog only). */
const writesObjects = (name: string) => !name.startsWith('branch') && !name.startsWith('drop');

/** The head of each operation's branch after it, in a repository without faults. */
let expected: string[] | undefined;
async function expectedHeads(): Promise<string[]> {
  if (expected) return expected;
  const clean = await makeRepo('faults_clean', false);
  const heads: string[] = [];
  for (const op of operations()) {
    await clean.must(op.args);
    heads.push(await clean.headOf(op.branch));
  }
  await clean.verify();
  expected = heads;
  return heads;
}

describe('scale-out: faults at the repository level', () => {
  for (const kind of ['503', 'throttle', '500', 'reset'] as S3FaultKind[]) {
    it(
      `S3 ${kind} now and then: retried, every operation succeeds as without faults`,
      {
        timeout: 180_000,
      },
      async () => {
        const heads = await expectedHeads();
        const repo = await makeRepo(`faults_s3_${kind}`, true);
        const before = proxy.counts.injected;
        proxy.plan = { mode: 'transient', kind, every: 3 };
        try {
          for (const [i, op] of operations().entries()) {
            await repo.must(op.args);
            expect([op.name, await repo.headOf(op.branch)]).toEqual([op.name, heads[i]]);
          }
        } finally {
          proxy.plan = { mode: 'off', kind };
        }
        expect(proxy.counts.injected - before).toBeGreaterThan(10);
        await repo.verify();
      },
    );
  }

  it(
    'S3 refusing every write: a clear error, nothing half-visible, success once S3 is back',
    {
      timeout: 300_000,
    },
    async () => {
      const heads = await expectedHeads();
      const repo = await makeRepo('faults_s3_down', true);
      for (const [i, op] of operations().entries()) {
        if (writesObjects(op.name)) {
          const head = await repo.headOf(op.branch);
          proxy.plan = { mode: 'down', kind: '503', methods: ['PUT', 'POST', 'DELETE'] };
          let failed: RunResult;
          try {
            failed = await repo.cli(op.args);
          } finally {
            proxy.plan = { mode: 'off', kind: '503' };
          }
          expect([op.name, failed.code]).toEqual([op.name, 1]);
          expect(failed.stderr).toMatch(
            /S3 (PUT|POST|DELETE) of s3:\/\/verso-faults\/faults_s3_down\/.* failed/,
          );
          expect(failed.stderr).not.toMatch(/\n\s+at /);
          expect([op.name, await repo.headOf(op.branch)]).toEqual([op.name, head]);
          await repo.verify();
        }
        await repo.must(op.args);
        expect([op.name, await repo.headOf(op.branch)]).toEqual([op.name, heads[i]]);
      }
      await repo.verify();
    },
  );

  it(
    'PostgreSQL connections dropped during each operation: done or refused, never half-done',
    {
      timeout: 300_000,
    },
    async () => {
      const heads = await expectedHeads();
      const schema = 'faults_pg';
      const repo = await makeRepo(schema, false);
      const admin = new pg.Client({ connectionString: backends().pg.url });
      await admin.connect();
      let dropped = 0;
      const outcomes: string[] = [];
      try {
        for (const [i, op] of operations().entries()) {
          const head = await repo.headOf(op.branch);
          let running = true;
          const dropper = (async () => {
            while (running) {
              const r = await admin.query(
                `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
                [`verso:${schema}`],
              );
              dropped += r.rowCount ?? 0;
              await new Promise((res) => setTimeout(res, 150));
            }
          })();
          let result: RunResult;
          try {
            result = await repo.cli(op.args);
          } finally {
            running = false;
            await dropper;
          }
          const now = await repo.headOf(op.branch);
          if (result.code === 0) {
            outcomes.push(`${op.name}: ok`);
            expect([op.name, now]).toEqual([op.name, heads[i]]);
          } else {
            outcomes.push(`${op.name}: ${result.stderr.trim().split('\n')[0]}`);
            expect(result.code).toBe(1);
            expect(result.stderr).toMatch(/PostgreSQL catalog at 127\.0\.0\.1:\d+/);
            expect(result.stderr).not.toMatch(/\n\s+at /);
            expect(result.stderr).not.toContain(backends().env['PGPASSWORD']!);
            // The branch is where it was, or at the complete new commit (a write whose outcome
            // was unknown that had happened).
            expect([op.name, [head, heads[i]]]).toEqual([op.name, expect.arrayContaining([now])]);
            await repo.verify();
            // Once the drops stop, the operation runs again: done now, or (a write whose outcome
            // was unknown) already done before: nothing to commit, or the branch exists / is gone.
            const again = await repo.cli(op.args);
            if (again.code !== 0)
              expect(again.stderr).toMatch(/already exists|not found|no branch/i);
            expect([op.name, await repo.headOf(op.branch)]).toEqual([op.name, heads[i]]);
          }
        }
      } finally {
        await admin.end();
      }
      console.log(`PostgreSQL drops: ${dropped} connections terminated; ${outcomes.join('; ')}`);
      expect(dropped).toBeGreaterThan(0);
      await repo.verify();
    },
  );
});
