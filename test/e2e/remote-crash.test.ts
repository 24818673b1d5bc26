/**
 * Interrupted remotes: `verso clone` and `verso push` against a real `verso serve` process, with
 * the client or the server killed by SIGKILL in the middle of the transfer. The kills are
 * failpoints of the sync code (`core/failpoints.ts`, `sync-*`), armed with `VERSO_FAILPOINT` in
 * the environment of the process that must die (the client command, or `verso serve`), so each
 * lands at the same step whatever the machine's speed:
 *
 * - client killed during a clone (a batch put, or every chunk flushed with no ref written):
 *   the origin is unchanged and verifies; the half-made folder verifies, `verso fetch origin` in
 *   it completes, and a clone into a fresh folder equals the origin;
 * - client killed during a push (a batch uploaded and acknowledged, the ref not moved): the
 *   server's refs are unchanged and it verifies; a retried push sends only what is missing and
 *   the server's head becomes the client's;
 * - server killed while it receives a pushed batch (put, or flushed with its commits not yet
 *   indexed): the client fails naming the remote; the repository folder verifies with its refs
 *   unchanged, a restarted server opens it, and the retried push completes;
 * - server killed while it serves a clone (before it answers a chunk request, or with the answer
 *   half sent): the client fails naming the remote (exit 1) and leaves no folder; after a
 *   restart the clone completes and equals the origin.
 *
 * The data (8,000 labels with a 1.2 KB attribute each, about 10 MiB of chunks) is two 8 MiB
 * transfer batches, so a kill after the first batch is a kill in the middle. Repositories are
 * built once and copied per test.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAILPOINTS } from '../../src/core/failpoints.js';
import {
  expectFailure,
  expectOk,
  initRepo,
  seededRandom,
  spawnVerso,
  TestRepo,
  useTempRoot,
  verso,
  versoProcess,
  waitFor,
  writeJsonLines,
  type LogJson,
  type RefJson,
  type RunningVerso,
} from './helpers.js';
import { copyRepo } from './repo-copy.js';

const tmp = useTempRoot('remote-crash');
const LABELS = 8_000;
const NOTE_CHARS = 1_200;

/** Label `i`, with a note of random text: chunk bytes grow fast, imports stay quick. */
function label(i: number, rand: () => number, category = i % 2 ? 'car' : 'person') {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let note = '';
  for (let k = 0; k < NOTE_CHARS; k++) note += alphabet[Math.floor(rand() * alphabet.length)];
  return {
    image: `img-${String(i >> 2).padStart(5, '0')}`,
    label: String(i),
    category,
    bbox: [1, 2, 3 + (i % 40), 4],
    note,
  };
}

const f = {
  /** `verso init` and an admin token: the origin of the push tests. */
  base: '',
  /** `base` + LABELS labels imported on main: the origin of the clone tests, the pushing client. */
  big: '',
  token: '',
  /** One changed label. */
  edit: '',
};

beforeAll(async () => {
  const rand = seededRandom(13);
  const labels = Array.from({ length: LABELS }, (_, i) => label(i, rand));
  const labelsFile = writeJsonLines(join(tmp.dir('data'), 'labels.jsonl'), labels);
  f.edit = writeJsonLines(join(tmp.dir('data'), 'edit.jsonl'), [
    { op: 'put', ...label(7, rand, 'truck') },
  ]);
  const base = await initRepo(tmp.root(), 'base');
  const created = await base.json<{ token: string }>([
    'token',
    'create',
    '--name',
    'crash',
    '--role',
    'admin',
  ]);
  f.token = created.token;
  f.base = base.root;
  const big = copyRepo(base, tmp.root(), 'big');
  await big.importLabels(labelsFile);
  f.big = big.root;
}, 60_000);

// ------------------------------------------------------------------ servers

interface Server {
  readonly proc: RunningVerso;
  /** The served repository's URL (`http://127.0.0.1:PORT/repos/NAME`). */
  readonly url: string;
}

const running: RunningVerso[] = [];

afterEach(async () => {
  for (const p of running.splice(0)) {
    if (!p.exited()) p.child.kill('SIGKILL');
    await p.done;
  }
});

/** `verso serve --repo DIR --port 0` in a child process; resolves once it announced its URL. */
async function serve(repo: TestRepo, env: Record<string, string> = {}): Promise<Server> {
  const proc = spawnVerso(['serve', '--repo', repo.root, '--port', '0'], { env });
  running.push(proc);
  let out = '';
  proc.child.stdout!.on('data', (s: string) => (out += s));
  const announced = () => /at (http:\/\/\S+)/.exec(out)?.[1];
  await waitFor(() => announced() !== undefined || proc.exited(), 15_000, 20);
  const base = announced();
  if (base === undefined) throw new Error(`verso serve did not start: ${(await proc.done).stderr}`);
  return { proc, url: `${base}/repos/${repo.root.split('/').pop()!}` };
}

/** Stops a server the way an operator does (SIGTERM: requests in flight finish). */
async function stop(server: Server): Promise<void> {
  server.proc.child.kill('SIGTERM');
  expect((await server.proc.done).code).toBe(0);
}

// ------------------------------------------------------------------ clients

const tokenEnv = (): Record<string, string> => ({
  VERSO_TOKEN: f.token,
  VERSO_CREDENTIALS: join(tmp.root(), 'no-credentials'),
});

/** A client command run as a real process that must die at failpoint `fp`. */
async function killedAt(args: readonly string[], fp: string): Promise<void> {
  const r = await versoProcess(args, { env: { ...tokenEnv(), VERSO_FAILPOINT: fp } });
  expect(r.signal, `expected a kill at ${fp}; exit ${r.code}:\n${r.stderr}`).toBe('SIGKILL');
}

const refsOf = async (repo: TestRepo): Promise<RefJson[]> => repo.refs('branch');
const history = (log: readonly LogJson[]) => log.map((e) => [e.id, e.snapshot]);

/** `repo`'s history of `ref` is the origin's main (same commits, same snapshots), verify clean. */
async function expectSameAsOrigin(repo: TestRepo, origin: TestRepo, ref = 'main'): Promise<void> {
  expect(history(await repo.log(ref))).toEqual(history(await origin.log('main')));
  await repo.verify();
}

const copyOf = (template: string, name: string): TestRepo =>
  copyRepo(new TestRepo(template), tmp.root(), name);

let folders = 0;
const fresh = (what: string): string => join(tmp.root(), `${what}-${++folders}`);

// ------------------------------------------------------------------ the kills

/** The client's kills during a clone: a fetched batch put (of two), every chunk flushed. */
const CLONE_KILLS = ['sync-fetch-after-batch', 'sync-fetch-after-flush'] as const;
/** The client's kill during a push: the first of two batches uploaded and acknowledged. */
const PUSH_KILL = 'sync-push-after-batch';
/**
 * What the killed server was receiving: `labels`, the whole dataset (two batches: the kill is in
 * the first); `edit`, one commit changing one label (one batch holding the commit). What the
 * retry must send again: `batches`.
 */
const RECEIVE_KILLS = [
  { fp: 'sync-receive-after-put', push: 'labels', batches: 2 },
  { fp: 'sync-receive-after-flush', push: 'labels', batches: 1 },
  // the commit durable but not indexed: the retry sends nothing, the server indexes it
  { fp: 'sync-receive-after-flush', push: 'edit', batches: 0 },
] as const;
/** Killed before it answers (the connection closes), or with its answer half sent. */
const SERVE_KILLS = [
  { fp: 'sync-serve-pack', says: 'cannot reach it' },
  { fp: 'sync-serve-pack-midway', says: 'its answer broke off' },
] as const;

// ------------------------------------------------------------------ the tests

describe('interrupted clone and push against verso serve', () => {
  it('kills at every sync failpoint', () => {
    const killed = [
      ...CLONE_KILLS,
      PUSH_KILL,
      ...RECEIVE_KILLS.map((k) => k.fp),
      ...SERVE_KILLS.map((k) => k.fp),
    ];
    expect(new Set(killed)).toEqual(new Set(FAILPOINTS.filter((n) => n.startsWith('sync-'))));
  });

  it.for(CLONE_KILLS)(
    'client killed during a clone (%s): origin unchanged, the half-made clone verifies and fetch completes it, a new clone equals the origin',
    { timeout: 30_000 },
    async (fp) => {
      const origin = copyOf(f.big, `origin-${fp}`);
      const refsBefore = await refsOf(origin);
      const server = await serve(origin);
      const dir = fresh('half-clone');
      await killedAt(['clone', server.url, dir], fp);

      // The origin: same refs, clean.
      expect(await refsOf(origin)).toEqual(refsBefore);
      await origin.verify();

      // The half-made clone: a repository without branches that verifies; cloning into it again
      // is refused (it is a repository), `verso fetch origin` completes the transfer.
      const half = new TestRepo(dir);
      expect(await refsOf(half)).toEqual([]);
      await half.verify();
      expectFailure(await verso(['clone', server.url, dir], { env: tokenEnv() }), 1, 'exists');
      expectOk(await half.run(['fetch', 'origin'], { env: tokenEnv() }));
      await expectSameAsOrigin(half, origin, 'origin/main');
      // ... with its commits indexed: after the origin moves, a pull fast-forwards a branch made
      // from the fetched head (merge bases are found through the commit index).
      await half.ok(['branch', 'create', 'main', '--from', 'origin/main']);
      await origin.apply(f.edit, 'main');
      expect(await half.ok(['pull'], { env: tokenEnv() })).toContain('fast-forward');
      await expectSameAsOrigin(half, origin);

      // A clone into a fresh folder completes and equals the origin.
      const again = new TestRepo(fresh('clone'));
      const cloned = JSON.parse(
        expectOk(await verso(['clone', server.url, again.root, '--json'], { env: tokenEnv() }))
          .stdout,
      ) as { batches: number };
      expect(cloned.batches).toBe(2); // so the kill after the first was one in the middle
      await expectSameAsOrigin(again, origin);
      await stop(server);
    },
  );

  it('client killed during a push, after a batch was uploaded: the server is unchanged and verifies; a retry sends the rest and moves it', async () => {
    const origin = copyOf(f.base, 'origin-push-client');
    const refsBefore = await refsOf(origin);
    const server = await serve(origin);
    const client = copyOf(f.big, 'client-push-client');
    await client.ok(['remote', 'add', 'origin', server.url]);
    await killedAt(['--repo', client.root, 'push'], PUSH_KILL);

    expect(await refsOf(origin)).toEqual(refsBefore);
    await origin.verify();
    await client.verify();

    const retry = JSON.parse(
      expectOk(await client.run(['push', '--json'], { env: tokenEnv() })).stdout,
    ) as { status: string; batches: number; chunks: number };
    expect(retry.status).toBe('pushed');
    // The first batch arrived before the kill: the retry sends only the second.
    expect(retry.batches).toBe(1);
    expect(retry.chunks).toBeGreaterThan(0);
    expect(await origin.head()).toBe(await client.head());
    await stop(server);
    await origin.verify();
    await expectSameAsOrigin(client, origin);
  }, 30_000);

  it.for(RECEIVE_KILLS)(
    'server killed while it receives a push ($push, at $fp): the client fails naming the remote; restarted, the server opens the folder unchanged and the retry completes',
    { timeout: 30_000 },
    async ({ fp, push, batches }) => {
      const name = `${fp}-${push}`;
      const origin = copyOf(push === 'labels' ? f.base : f.big, `origin-${name}`);
      const refsBefore = await refsOf(origin);
      const dying = await serve(origin, { VERSO_FAILPOINT: fp });
      const client = copyOf(f.big, `client-${name}`);
      if (push === 'edit') await client.apply(f.edit, 'main');
      await client.ok(['remote', 'add', 'origin', dying.url]);
      const clientHead = await client.head();

      const failed = await client.run(['push'], { env: tokenEnv() });
      expectFailure(failed, 1, `remote ${dying.url}`);
      expect(failed.stderr).not.toContain('internal error');
      expect((await dying.proc.done).signal).toBe('SIGKILL');
      expect(await client.head()).toBe(clientHead);
      expect((await refsOf(client)).map((r) => r.name)).toEqual(['main']);

      // The folder as the killed server left it: refs unchanged, clean.
      expect(await refsOf(origin)).toEqual(refsBefore);
      await origin.verify();

      const server = await serve(origin);
      await client.ok(['remote', 'remove', 'origin']);
      await client.ok(['remote', 'add', 'origin', server.url]);
      const retry = JSON.parse(
        expectOk(await client.run(['push', '--json'], { env: tokenEnv() })).stdout,
      ) as { status: string; batches: number };
      expect(retry).toMatchObject({ status: 'pushed', batches });
      expect(await origin.head()).toBe(clientHead);
      await stop(server);
      await origin.verify();
      await expectSameAsOrigin(client, origin);
    },
  );

  it.for(SERVE_KILLS)(
    'server killed while it serves a clone ($fp): the client fails naming the remote and leaves nothing; after a restart the clone completes',
    { timeout: 30_000 },
    async ({ fp, says }) => {
      const origin = copyOf(f.big, `origin-${fp}`);
      const refsBefore = await refsOf(origin);
      const dying = await serve(origin, { VERSO_FAILPOINT: fp });
      const dir = fresh('clone-from-dying');
      const failed = await versoProcess(['clone', dying.url, dir], { env: tokenEnv() });
      expectFailure(failed, 1, `remote ${dying.url}: ${says}`);
      expect(failed.stderr).not.toContain('internal error');
      expect((await dying.proc.done).signal).toBe('SIGKILL');
      expect(existsSync(dir)).toBe(false);

      expect(await refsOf(origin)).toEqual(refsBefore);
      await origin.verify();
      const server = await serve(origin);
      const clone = new TestRepo(dir);
      expectOk(await verso(['clone', server.url, dir], { env: tokenEnv() }));
      await expectSameAsOrigin(clone, origin);
      await stop(server);
    },
  );
});
