/**
 * Starting and stopping a server (layer: server): `startServer` builds the application over a
 * repository host and listens (127.0.0.1 by default; port 0 picks a free port), and gives its
 * base URL and a `close` that stops accepting, lets requests in flight finish, and closes the
 * repositories. What `verso serve` and the tests call.
 *
 * A client that stops reading an answer would keep its connection busy, and a graceful close
 * waiting for it, forever: after `closeGraceMs` (default CLOSE_GRACE_MS) the connections still
 * open are destroyed. Handlers still running finish, and the repositories close after them.
 */
import type { RepositoryOptions } from '../api/repository/index.js';
import { RepositoryHost, type HostSource } from './repository-host.js';
import { buildServer, type ServerLimits, type VersoApp } from './server-app.js';
import type { TokenCheck } from './request-auth.js';

/** How long a close waits for connections to finish before it destroys them. */
export const CLOSE_GRACE_MS = 10_000;

export interface StartOptions {
  readonly source: HostSource;
  readonly host?: string;
  readonly port?: number;
  readonly checkToken: TokenCheck;
  readonly allowAnonymousRead?: boolean;
  readonly repositoryOptions?: RepositoryOptions;
  readonly limits?: Partial<ServerLimits>;
  readonly log?: boolean;
  readonly closeGraceMs?: number;
}

export interface RunningServer {
  /** `http://HOST:PORT` */
  readonly url: string;
  readonly app: VersoApp;
  /** The repository names served. */
  readonly repositories: readonly string[];
  close(): Promise<void>;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const host = new RepositoryHost(opts.source, opts.repositoryOptions);
  const app = await buildServer({
    host,
    checkToken: opts.checkToken,
    ...(opts.allowAnonymousRead !== undefined
      ? { allowAnonymousRead: opts.allowAnonymousRead }
      : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.log !== undefined ? { log: opts.log } : {}),
  });
  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 4800 });
  return {
    url: address.replace('[::1]', 'localhost'),
    app,
    repositories: host.names(),
    async close() {
      const grace = setTimeout(
        () => app.server.closeAllConnections(),
        opts.closeGraceMs ?? CLOSE_GRACE_MS,
      );
      try {
        await app.close();
      } finally {
        clearTimeout(grace);
      }
    },
  };
}
