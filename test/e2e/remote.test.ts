/**
 * Remotes end to end: the `verso` CLI against a Verso server (`startServer`, real tokens)
 * started here on 127.0.0.1. `clone` -> edits on both sides -> `push` refused
 * (not a fast-forward, the remote's head named) -> `pull` (a merge) -> `push` -> a second clone
 * equal to the origin (same commits and snapshot ids, `verify` clean). Credentials: `VERSO_TOKEN`,
 * or a credentials file that is refused while others can read it; `remote add|list|remove`.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRepository, type Repository } from '../../src/api/repository/index.js';
import { createToken } from '../../src/api/access/index.js';
import { repositoryTokenCheck, startServer, type RunningServer } from '../../src/server/index.js';
import {
  expectFailure,
  expectOk,
  initRepo,
  TestRepo,
  useTempRoot,
  verso,
  writeJsonLines,
  type LogJson,
} from './helpers.js';

const tmp = useTempRoot('remote');
let TOKEN: string;
let server: RunningServer;
let originRepo: Repository | undefined;
let origin: TestRepo;
let url: string;
let noFile: Record<string, string>;
let withToken: { env: Record<string, string> };

function label(id: number, category: string) {
  return {
    image: `img-${Math.floor(id / 4)}`,
    label: String(id),
    category,
    bbox: [1, 2, 3 + (id % 40), 4],
  };
}

beforeAll(async () => {
  const root = tmp.dir('e2e');
  origin = await initRepo(root, 'origin');
  const rows = Array.from({ length: 800 }, (_, i) => label(i, i % 2 ? 'car' : 'person'));
  await origin.importLabels(writeJsonLines(join(root, 'labels.jsonl'), rows));
  originRepo = await openRepository(origin.root);
  TOKEN = (await createToken(originRepo, { name: 'e2e', role: 'admin' })).token;
  server = await startServer({
    source: { open: { origin: originRepo } },
    port: 0,
    checkToken: repositoryTokenCheck,
  });
  url = `${server.url}/repos/origin`;
  noFile = { VERSO_CREDENTIALS: join(root, 'no-credentials') };
  withToken = { env: { ...noFile, VERSO_TOKEN: TOKEN } };
}, 60_000);

afterAll(async () => {
  await server?.close();
  await originRepo?.close();
});

describe('clone, push, pull through a server', () => {
  it('refuses a non-fast-forward push, merges on pull, and a new clone equals the origin', async () => {
    const root = tmp.dir('flow');
    const cloned = JSON.parse(
      expectOk(await verso(['clone', url, join(root, 'a'), '--json'], withToken)).stdout,
    ) as { local_branches: string[]; chunks: number };
    expect(cloned.local_branches).toEqual(['main']);
    expectOk(await verso(['clone', url, join(root, 'b')], withToken));
    const a = new TestRepo(join(root, 'a'));
    const b = new TestRepo(join(root, 'b'));
    expect(await a.head()).toBe(await b.head());
    expect((await a.refs('branch')).map((r) => r.name)).toEqual(['main', 'origin/main']);

    await a.apply(
      writeJsonLines(join(root, 'ea.jsonl'), [{ op: 'put', ...label(5, 'truck') }]),
      'main',
    );
    expectOk(await a.run(['push'], withToken));
    await b.apply(
      writeJsonLines(join(root, 'eb.jsonl'), [{ op: 'put', ...label(600, 'bus') }]),
      'main',
    );
    const refused = await b.run(['push', 'origin', 'main'], withToken);
    expectFailure(refused, 1, 'not a fast-forward', (await a.head()).slice(0, 12));
    expectOk(await b.run(['pull'], withToken));
    const merged = await b.log();
    expect(merged[0]!.parents).toHaveLength(2);
    expectOk(await b.run(['push'], withToken));
    expect(expectOk(await a.run(['pull', '--json'], withToken)).stdout).toContain('fast-forward');
    expect(await a.head()).toBe(await b.head());

    expectOk(await verso(['clone', url, join(root, 'c')], withToken));
    const c = new TestRepo(join(root, 'c'));
    const history = (log: LogJson[]) => log.map((e) => [e.id, e.snapshot]);
    expect(history(await c.log())).toEqual(history(await b.log()));
    await c.verify();
    expect((await c.cat()).find((l) => l.label === '600')?.category).toBe('bus');
  }, 60_000);

  it('pull stops on a conflict like a local merge, nothing moved, the merge pending', async () => {
    const root = tmp.dir('conflict');
    expectOk(await verso(['clone', url, join(root, 'p')], withToken));
    expectOk(await verso(['clone', url, join(root, 'q')], withToken));
    const p = new TestRepo(join(root, 'p'));
    const q = new TestRepo(join(root, 'q'));
    await p.apply(
      writeJsonLines(join(root, 'ep.jsonl'), [{ op: 'put', ...label(77, 'van') }]),
      'main',
    );
    expectOk(await p.run(['push'], withToken));
    await q.apply(
      writeJsonLines(join(root, 'eq.jsonl'), [{ op: 'put', ...label(77, 'tram') }]),
      'main',
    );
    const before = await q.head();
    expectFailure(await q.run(['pull'], withToken), 1, 'conflict', 'verso merge status');
    expect(await q.head()).toBe(before);
    expect(await q.ok(['merge', 'status', '--into', 'main'])).toContain('77');
  }, 60_000);

  it('remote add, list and remove; fetch into tracking branches', async () => {
    const repo = await initRepo(tmp.dir('remotes'), 'r');
    expectOk(await repo.run(['remote', 'add', 'up', url]));
    expectFailure(await repo.run(['remote', 'add', 'up', url]), 1, "remote 'up' exists");
    expectFailure(await repo.run(['remote', 'add', 'bad', 'ftp://x']), 1, 'http');
    expect(await repo.ok(['remote', 'list'])).toContain(`up\t${url}`);
    expectOk(await repo.run(['fetch', 'up'], withToken));
    expect((await repo.refs('branch')).map((r) => r.name)).toEqual(['main', 'up/main']);
    expectFailure(await repo.run(['fetch', 'nowhere'], withToken), 1, "no remote named 'nowhere'");
    expect(await repo.ok(['remote', 'remove', 'up'])).toContain('1 tracking branch');
    expect((await repo.refs('branch')).map((r) => r.name)).toEqual(['main']);
  }, 30_000);
});

describe('credentials', () => {
  it('sends VERSO_TOKEN or the credentials file entry, and refuses a file others can read', async () => {
    const root = tmp.dir('credentials');
    const denied = await verso(['clone', url, join(root, 'x')], { env: noFile });
    expectFailure(denied, 1, 'needs a token');
    expect(existsSync(join(root, 'x'))).toBe(false);
    const file = join(root, 'credentials');
    writeFileSync(file, JSON.stringify({ [url.replace(/\/repos\/origin$/, '')]: TOKEN }));
    chmodSync(file, 0o644);
    const open = await verso(['clone', url, join(root, 'y')], { env: { VERSO_CREDENTIALS: file } });
    expectFailure(open, 1, 'readable by others', 'mode 644');
    chmodSync(file, 0o600);
    expectOk(await verso(['clone', url, join(root, 'z')], { env: { VERSO_CREDENTIALS: file } }));
  }, 30_000);
});
