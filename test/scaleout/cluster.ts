/**
 * Test support for several Verso servers over one repository on PostgreSQL + S3, as separate
 * machines would run them: the repository is made once (`verso init --catalog --store`), every
 * server gets its own folder attached to it (`verso init --attach`), and each server is a real
 * `verso serve` child process on 127.0.0.1 and a free port, which a test may kill (-9). Tokens
 * are real ones (`verso token create`), stored in the shared catalog, so every server accepts
 * them. Also: a client's view of the repository over HTTP (labels, log) and the bookkeeping of
 * acknowledged writes the race tests check against.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  expectOk,
  spawnVerso,
  TestRepo,
  verso,
  waitFor,
  type RunningVerso,
} from '../e2e/helpers.js';
import { httpCall, type HttpAnswer, type HttpOptions } from '../server/harness.js';
import type { ScaleoutBackends } from './backends.js';

export interface SharedRepository {
  /** One folder per server, all attached to the same catalog schema and bucket prefix. */
  readonly folders: readonly TestRepo[];
  readonly tokens: { readonly annotate: string; readonly admin: string };
}

/**
 * Makes a repository on `backends` (schema `schema`, bucket prefix `schema`) from `folders`
 * folders under `parent`: the first made with `init`, the others with `init --attach`.
 */
export async function makeSharedRepository(
  backends: ScaleoutBackends,
  parent: string,
  schema: string,
  folders: number,
): Promise<SharedRepository> {
  const catalog = backends.catalogUrl(schema);
  const store = await backends.storeUrl('verso-race', schema);
  const repos: TestRepo[] = [];
  for (let i = 0; i < folders; i++) {
    const root = join(parent, `${schema}-${i}`);
    const attach = i === 0 ? [] : ['--attach'];
    expectOk(await verso(['init', root, '--catalog', catalog, '--store', store, ...attach]));
    repos.push(new TestRepo(root));
  }
  const token = async (role: 'annotate' | 'admin') =>
    (
      await repos[0]!.json<{ token: string }>([
        'token',
        'create',
        '--name',
        `${role}-token`,
        '--role',
        role,
        '--identity',
        `${role}-user`,
      ])
    ).token;
  return {
    folders: repos,
    tokens: { annotate: await token('annotate'), admin: await token('admin') },
  };
}

export interface ServeProcess {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `/repos/NAME` of its folder. */
  readonly base: string;
  readonly process: RunningVerso;
  /** A request to `/repos/NAME` + `path`. */
  http(method: string, path: string, opts?: HttpOptions): Promise<HttpAnswer>;
  /** kill -9: the process dies at once, nothing of it runs after. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `verso serve --repo FOLDER --port 0` and waits for the address it prints. */
export async function startServe(
  folder: TestRepo,
  env: Readonly<Record<string, string>> = {},
): Promise<ServeProcess> {
  const running = spawnVerso(['serve', '--repo', folder.root, '--port', '0', '--no-sign-in'], {
    env,
  });
  let stdout = '';
  running.child.stdout?.on('data', (s: string) => (stdout += s));
  let stderr = '';
  running.child.stderr?.on('data', (s: string) => (stderr += s));
  const announced = () => /at http:\/\/127\.0\.0\.1:\d+/.test(stdout);
  await waitFor(() => running.exited() || announced(), 60_000, 20);
  if (!announced()) throw new Error(`verso serve did not print its address:\n${stdout}\n${stderr}`);
  const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
  const base = `/repos/${folder.root.split('/').pop()!}`;
  const settle = async () => void (await running.done);
  return {
    url,
    base,
    process: running,
    http: (method, path, opts) => httpCall(url, method, base + path, opts),
    async kill() {
      if (!running.exited()) running.child.kill('SIGKILL');
      await settle();
    },
    async stop() {
      if (!running.exited()) running.child.kill('SIGTERM');
      await settle();
    },
  };
}

/**
 * What one label write acknowledged: its commit, the branch it went to and the label's key (''
 * for an acknowledged merge, which adds no label of its own).
 */
export interface AckedWrite {
  readonly commit: string;
  readonly branch: string;
  readonly key: string;
}

/** Every commit reachable from `branch` (all parents), from one server. */
export async function historyOf(
  server: ServeProcess,
  token: string,
  branch: string,
): Promise<Set<string>> {
  const r = await server.http('GET', `/log?ref=${branch}`, { token });
  expect(r.status, r.text).toBe(200);
  return new Set(r.lines<{ id: string }>().map((c) => c.id));
}

/** The `IMAGE/LABEL` keys of the labels at `branch`, from one server. */
export async function labelKeysOf(
  server: ServeProcess,
  token: string,
  branch: string,
): Promise<string[]> {
  const r = await server.http('GET', `/labels?ref=${branch}`, { token });
  expect(r.status, r.text).toBe(200);
  return r.lines<{ image: string; label: string }>().map((l) => `${l.image}/${l.label}`);
}

/**
 * The no-lost-update check on `branches` after a race: every acknowledged write's commit is in
 * its branch's history; a branch holds exactly the labels of the acknowledged writes whose
 * commit its history reaches (merged in from the other branch too), plus `seed`, plus at most
 * labels of writes that were sent but never acknowledged (`unacknowledged`: requests cut off by
 * a kill may have landed).
 */
export async function expectNoLostUpdate(
  server: ServeProcess,
  token: string,
  branches: readonly string[],
  acked: readonly AckedWrite[],
  opts: { readonly seed?: readonly string[]; readonly unacknowledged?: ReadonlySet<string> } = {},
): Promise<void> {
  for (const branch of branches) {
    const history = await historyOf(server, token, branch);
    const lost = acked.filter((w) => w.branch === branch && !history.has(w.commit));
    expect(lost, `acknowledged commits missing from ${branch}`).toEqual([]);
    const expected = new Set([
      ...(opts.seed ?? []),
      ...acked.filter((w) => w.key !== '' && history.has(w.commit)).map((w) => w.key),
    ]);
    const keys = await labelKeysOf(server, token, branch);
    const present = new Set(keys);
    expect(keys.length, `duplicate keys on ${branch}`).toBe(present.size);
    const missing = [...expected].filter((k) => !present.has(k));
    expect(missing, `acknowledged labels missing from ${branch}`).toEqual([]);
    const extra = keys.filter((k) => !expected.has(k) && !opts.unacknowledged?.has(k));
    expect(extra, `labels on ${branch} that no request wrote`).toEqual([]);
  }
}

/** One label `put` op as an NDJSON body. */
export function putLabel(image: string, label: string, x: number): string {
  return `${JSON.stringify({ op: 'put', image, label, category: 'car', bbox: [x, 0, 2, 2] })}\n`;
}

export interface LoadOptions {
  /** The servers; a client uses those whose process still runs (a killed one is skipped). */
  readonly servers: readonly ServeProcess[];
  readonly token: string;
  readonly clients: number;
  /** Label writes in all, spread over `branches` in turn. */
  readonly commits: number;
  readonly branches: readonly [string, string];
  /** Merge the branches into each other (alternately, from any server) while the load runs. */
  readonly merges?: boolean;
  /** Called after each acknowledged write with how many there are. */
  readonly onAck?: (acked: number) => void;
}

export interface LoadOutcome {
  readonly acked: AckedWrite[];
  /** Merges answered 200 ('merged' or 'fast-forward'): their commit, in their destination. */
  readonly merges: AckedWrite[];
  /** Keys of writes sent but not acknowledged (refused, or the connection cut). */
  readonly unacknowledged: Set<string>;
  /** Refusals by `STATUS CODE` (and `network` for cut connections), writes and merges. */
  readonly refused: Record<string, number>;
  readonly seconds: number;
}

/**
 * `clients` async loops, client `c` on live server `c mod n`, each adding one label with a key
 * of its own per request through `POST /branches/B/apply` without `expected_head` (so a write
 * that finds the head moved is rebased), until `commits` requests were sent; plus, with
 * `merges`, one loop merging the two branches into each other during the load.
 */
export async function commitLoad(opts: LoadOptions): Promise<LoadOutcome> {
  const acked: AckedWrite[] = [];
  const merges: AckedWrite[] = [];
  const unacknowledged = new Set<string>();
  const refused: Record<string, number> = {};
  const samples: string[] = [];
  const rebases: Record<number, number> = {};
  const refuse = (what: string) => (refused[what] = (refused[what] ?? 0) + 1);
  const live = () => opts.servers.filter((s) => !s.process.exited());
  const send = async (n: number, method: string, path: string, o: HttpOptions) => {
    const servers = live();
    const server = servers[n % servers.length]!;
    try {
      return await server.http(method, path, { token: opts.token, ...o });
    } catch {
      return undefined; // the connection was cut (a killed server)
    }
  };
  let next = 0;
  const t0 = performance.now();
  const client = async (c: number) => {
    while (next < opts.commits) {
      const i = next++;
      const branch = opts.branches[i % 2]!;
      const key = `c${c}/${i}`;
      const r = await send(c, 'POST', `/branches/${branch}/apply`, {
        body: putLabel(`c${c}`, String(i), i),
      });
      if (r?.status === 200) {
        const answer = r.json<{ commit: string; rebases?: number }>();
        acked.push({ commit: answer.commit, branch, key });
        rebases[answer.rebases ?? 0] = (rebases[answer.rebases ?? 0] ?? 0) + 1;
        opts.onAck?.(acked.length);
      } else {
        unacknowledged.add(key);
        refuse(r ? `${r.status} ${errorCode(r)}` : 'network');
        if (r && r.status >= 500 && samples.length < 5) samples.push(r.text);
      }
    }
  };
  const merger = async () => {
    for (let m = 0; next < opts.commits; m++) {
      const [into, from] = m % 2 === 0 ? opts.branches : [opts.branches[1], opts.branches[0]];
      const r = await send(m, 'POST', '/merges', { json: { into, from } });
      if (r?.status === 200) {
        const result = r.json<{ status: string; commit?: string; head?: string }>();
        const commit = result.commit ?? result.head;
        if (result.status !== 'up-to-date' && commit)
          merges.push({ commit, branch: into, key: '' });
      } else refuse(r ? `merge ${r.status} ${errorCode(r)}` : 'merge network');
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  await Promise.all([
    ...Array.from({ length: opts.clients }, (_, c) => client(c)),
    ...(opts.merges ? [merger()] : []),
  ]);
  console.log(`rebases per acknowledged write: ${JSON.stringify(rebases)}`);
  if (samples.length > 0)
    console.log(`server errors, first ${samples.length}:\n${samples.join('\n')}`);
  return { acked, merges, unacknowledged, refused, seconds: (performance.now() - t0) / 1000 };
}

function errorCode(r: HttpAnswer): string {
  try {
    return r.json<{ error: { code: string } }>().error.code;
  } catch {
    return r.text.slice(0, 80);
  }
}
