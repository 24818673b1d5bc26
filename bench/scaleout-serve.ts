/**
 * Throughput of 1, 2, 3... `verso serve` processes over one repository on PostgreSQL + S3
 * (layer: bench): each server runs on its own attached folder (`verso init --attach`), the
 * clients are spread round-robin over the servers, and the same load is sent whatever the
 * server count. Two commit loads (one-label commits, `POST .../apply`) for `seconds` each: all
 * clients on one branch (every commit races on that branch's ref CAS; losers retry inside the
 * server), and the clients spread over `branches` branches. Then a read load (`labels?where=
 * image = ...`). Every acknowledged commit is checked to be in its branch's history.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { runLoad, type LoadResult } from './http-load.js';
import { VERSO_CLI } from './paths.js';

export interface ServeLoadResult {
  readonly servers: number;
  readonly oneBranch: LoadResult;
  readonly manyBranches: LoadResult;
  readonly reads: LoadResult;
  /** Acknowledged commits missing from their branch's history (must be 0). */
  readonly lost: number;
  /** The first few failed commits' answers (status and body). */
  readonly failures: readonly string[];
}

interface RunningServer {
  readonly url: string;
  readonly name: string;
  readonly process: ChildProcess;
}

/**
 * Runs `node SCRIPT ARGS` to completion and returns its stdout; asynchronous, so that the S3
 * proxy in this process goes on answering the child.
 */
export function runNode(script: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=3072', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => void out.push(d));
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    child.on('error', reject);
    child.on('close', (status) =>
      status === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(new Error(`${script} ${args.join(' ')} exited ${status}: ${err.slice(-2000)}`)),
    );
  });
}

/** Runs `verso [--repo DIR] ARGS` to completion; its stdout. */
export function verso(dir: string | undefined, args: readonly string[]): Promise<string> {
  return runNode(VERSO_CLI, [...(dir === undefined ? [] : ['--repo', dir]), ...args]);
}

async function startServer(dir: string): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    [VERSO_CLI, '--repo', dir, 'serve', '--port', '0', '--no-sign-in'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) done(out);
    });
    child.once('exit', (code) => fail(new Error(`verso serve exited ${code}`)));
  });
  child.stdout!.resume();
  const url = /(http:\/\/\S+)/.exec(line)?.[1];
  const name = /\/repos\/(\S+?),? at/.exec(line)?.[1];
  if (!url || !name) throw new Error(`cannot read the server's address from: ${line}`);
  return { url, name, process: child };
}

export async function measureServeScaling(opts: {
  /** One attached folder per server, all on the same repository. */
  readonly dirs: readonly string[];
  readonly serverCounts: readonly number[];
  readonly clients: number;
  readonly branches: number;
  readonly seconds: number;
  /** Images that exist in `base`, for the read load. */
  readonly images: number;
  readonly log: (msg: string) => void;
}): Promise<ServeLoadResult[]> {
  const token = (
    JSON.parse(
      await verso(opts.dirs[0]!, [
        'token',
        'create',
        '--name',
        `scaleout-${Date.now()}`,
        '--role',
        'admin',
        '--json',
      ]),
    ) as { token: string }
  ).token;
  const headers = { authorization: `Bearer ${token}` };
  const results: ServeLoadResult[] = [];
  for (const count of opts.serverCounts) {
    opts.log(`${count} server(s): starting`);
    const servers = await Promise.all(opts.dirs.slice(0, count).map((d) => startServer(d)));
    try {
      const base = (c: number) => {
        const s = servers[c % servers.length]!;
        return `${s.url}/repos/${s.name}`;
      };
      // Warm every server (opens the repository, loads the pack indexes).
      for (const [i] of servers.entries())
        await (await fetch(`${base(i)}/count`, { headers })).text();
      const stamp = `${count}s-${Date.now().toString(36)}`;
      const branchNames = Array.from({ length: opts.branches }, (_, b) => `load-${stamp}-${b}`);
      for (const b of branchNames) {
        const res = await fetch(`${base(0)}/branches`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ name: b, from: 'base' }),
        });
        if (res.status >= 300) throw new Error(`branch create: ${res.status} ${await res.text()}`);
      }
      const acknowledged = new Map<string, string[]>();
      const failures: string[] = [];
      const commitLoad = (branchOf: (client: number) => string, tag: string) =>
        runLoad({
          concurrency: opts.clients,
          total: 1e9,
          seconds: opts.seconds,
          send: async (i, client) => {
            const branch = branchOf(client);
            const op = JSON.stringify({
              op: 'put',
              image: '00000001',
              label: `${tag}-${i}`,
              category: 'car',
              bbox: [1, 1, 5, 5],
            });
            const res = await fetch(`${base(client)}/branches/${branch}/apply`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/x-ndjson' },
              body: `${op}\n`,
            });
            const text = await res.text();
            const body = (res.status === 200 ? JSON.parse(text) : {}) as { commit?: string };
            if (res.status !== 200 && failures.length < 5)
              failures.push(`${res.status} ${text.slice(0, 400)}`);
            if (res.status === 200 && body.commit) {
              const list = acknowledged.get(branch) ?? [];
              list.push(body.commit);
              acknowledged.set(branch, list);
            }
            return res.status;
          },
        });
      opts.log(`${count} server(s): ${opts.clients} clients committing to one branch`);
      const oneBranch = await commitLoad(() => branchNames[0]!, 'one');
      opts.log(`${count} server(s): ${opts.clients} clients over ${opts.branches} branches`);
      const manyBranches = await commitLoad((c) => branchNames[c % branchNames.length]!, 'many');
      opts.log(`${count} server(s): reads`);
      const reads = await runLoad({
        concurrency: opts.clients,
        total: 1e9,
        seconds: opts.seconds,
        send: async (i, client) => {
          const image = String(1 + ((i * 7919) % Math.max(1, opts.images))).padStart(8, '0');
          const res = await fetch(
            `${base(client)}/labels?ref=base&where=${encodeURIComponent(`image = "${image}"`)}`,
            { headers },
          );
          await res.arrayBuffer();
          return res.status;
        },
      });
      let lost = 0;
      for (const [branch, commits] of acknowledged) {
        // A log cut short by a failed S3 request is read again (a 500 mid-stream is not a loss).
        let history = new Set<string>();
        for (let attempt = 0; attempt < 3; attempt++) {
          const res = await fetch(`${base(0)}/log?ref=${branch}&max_count=${commits.length + 10}`, {
            headers,
          });
          const text = await res.text();
          history = new Set(text.split('\n').flatMap((l) => idOfLine(l)));
          if (res.status === 200 && text.endsWith('\n') && history.size >= commits.length) break;
        }
        lost += commits.filter((c) => !history.has(c)).length;
      }
      for (const f of failures) opts.log(`${count} server(s): a commit failed: ${f}`);
      results.push({ servers: count, oneBranch, manyBranches, reads, lost, failures });
    } finally {
      for (const s of servers) s.process.kill('SIGTERM');
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((done) => {
              if (s.process.exitCode !== null) done();
              else s.process.once('exit', () => done());
            }),
        ),
      );
    }
  }
  return results;
}

/** The commit id of a log line; none for a line cut short or not a commit. */
function idOfLine(line: string): string[] {
  try {
    const id = (JSON.parse(line) as { id?: unknown }).id;
    return typeof id === 'string' ? [id] : [];
  } catch {
    return [];
  }
}
