/**
 * Test support for the HTTP server: a real `verso serve` (`startServer`) on 127.0.0.1 and a
 * free port, over a fresh repository in a temporary folder, with one token per role, and a
 * small `fetch` wrapper. Every test file that uses it gets its servers closed and folders
 * removed after it (`afterAll`).
 *
 * Tokens (real ones, created in the repository before the server opens it): `tokens.read`,
 * `tokens.annotate`, `tokens.review`, `tokens.admin`, named `<role>-token`; each token's
 * identity is `<role>-user` (what the server records as the author of that token's writes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { initRepository } from '../../src/api/repository/index.js';
import type { Repository } from '../../src/api/repository/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { repositoryTokenCheck, type Role, type ServerLimits } from '../../src/server/index.js';
import { createToken } from '../../src/api/access/index.js';
import { OpenApiCheck } from './openapi-check.js';

export const ROLE_NAMES: readonly Role[] = ['read', 'annotate', 'review', 'admin'];

export interface TestServer {
  readonly url: string;
  /** The repository's folder and its name in URLs (`/repos/NAME`). */
  readonly repoDir: string;
  readonly name: string;
  readonly tokens: Readonly<Record<Role, string>>;
  readonly server: RunningServer;
  /** `fetch(url + path)` with `Authorization: Bearer <token>` when `token` is given. */
  http(method: string, path: string, opts?: HttpOptions): Promise<HttpAnswer>;
  /** `/repos/NAME` + path. */
  repoPath(path: string): string;
  close(): Promise<void>;
}

export interface HttpOptions {
  readonly token?: string;
  readonly json?: unknown;
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (throws when it is not). */
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The body as NDJSON records. */
  lines<T = any>(): T[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

export interface StartTestServerOptions {
  readonly allowAnonymousRead?: boolean;
  /** Runs on the new repository before the server opens it (imports, branches). */
  readonly setup?: (repo: Repository, dir: string) => Promise<void>;
  /** A fixed commit time, so snapshot and commit ids are reproducible. */
  readonly commitTime?: string;
  readonly limits?: Partial<ServerLimits>;
  /** Who authors the repository's own writes before the server opens it (its initial commit,
   * `setup`'s writes); default: the OS user. */
  readonly author?: string;
  /** Make the repository on PostgreSQL + S3 (`verso init --catalog ... --store ...`). */
  readonly backends?: { readonly catalog: string; readonly store: string };
}

export async function startTestServer(opts: StartTestServerOptions = {}): Promise<TestServer> {
  const parent = mkdtempSync(join(tmpdir(), 'verso-server-'));
  const name = 'repo';
  const repoDir = join(parent, name);
  const clock = opts.commitTime
    ? { now: () => new Date(opts.commitTime!), queryNow: () => Date.parse(opts.commitTime!) }
    : undefined;
  const local = {
    ...(clock ? { clock } : {}),
    ...(opts.author !== undefined ? { identity: { author: opts.author } } : {}),
  };
  await initRepository(repoDir, { ...local, ...(opts.backends ?? {}) });
  const tokens = {} as Record<Role, string>;
  const { openRepository } = await import('../../src/api/repository/index.js');
  const repo = await openRepository(repoDir, local);
  try {
    for (const role of ROLE_NAMES)
      tokens[role] = (
        await createToken(repo, { name: `${role}-token`, role, identity: `${role}-user` })
      ).token;
    if (opts.setup) await opts.setup(repo, repoDir);
  } finally {
    await repo.close();
  }
  const server = await startServer({
    source: { repo: repoDir },
    port: 0,
    checkToken: repositoryTokenCheck,
    ...(opts.allowAnonymousRead ? { allowAnonymousRead: true } : {}),
    ...(clock ? { repositoryOptions: { clock } } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
    rmSync(parent, { recursive: true, force: true });
  };
  cleanups.push(close);
  return {
    url: server.url,
    repoDir,
    name,
    tokens,
    server,
    repoPath: (path) => `/repos/${name}${path}`,
    http: (method, path, o) => checkedCall(server.url, method, path, o),
    close,
  };
}

const checks = new Map<string, Promise<OpenApiCheck>>();

/** `httpCall`, then the answer checked against the server's OpenAPI document (throws if not). */
export async function checkedCall(
  base: string,
  method: string,
  path: string,
  opts: HttpOptions = {},
): Promise<HttpAnswer> {
  let check = checks.get(base);
  if (!check) {
    check = fetch(`${base}/openapi.json`).then(
      async (r) => new OpenApiCheck((await r.json()) as Record<string, unknown>),
    );
    checks.set(base, check);
  }
  const answer = await httpCall(base, method, path, opts);
  const problems = (await check).check(
    method,
    path,
    answer.status,
    answer.headers.get('content-type') ?? '',
    answer.text,
  );
  if (problems.length > 0)
    throw new Error(`answer does not match /openapi.json:\n${problems.join('\n')}`);
  return answer;
}

export async function httpCall(
  base: string,
  method: string,
  path: string,
  opts: HttpOptions = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  let body: string | Uint8Array | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  } else if (body !== undefined)
    headers['content-type'] = opts.contentType ?? 'application/x-ndjson';
  const res = await fetch(base + path, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: () => JSON.parse(text),
    lines: () =>
      text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l)),
  };
}
