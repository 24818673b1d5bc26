/**
 * `verso serve` (layer: cli): the HTTP API over one repository (`--repo DIR`, else `VERSO_REPO`,
 * else the current folder's) or over every repository folder under `--root DIR`, on 127.0.0.1
 * unless told otherwise. Prints the URL (and, for one repository, the web UI's sign-in URL with
 * a token for this run: `serve-sign-in.ts`), then serves until SIGINT or SIGTERM, and closes the
 * repositories after the requests in flight.
 */
import { resolve } from 'node:path';
import { positiveInteger } from '../arg-parsers.js';
import { defineCommand, registerTable, type AnyCliCommand } from '../command-table.js';
import { findRepository, type CliContext } from '../context.js';
import { repositoryOptions } from '../environment.js';
import { InvalidArgumentError, type Command } from 'commander';

interface ServeOptions {
  root?: string;
  host: string;
  port: number;
  allowAnonymousRead?: boolean;
  log?: boolean;
  signIn: boolean;
}

interface Served {
  readonly url: string;
  readonly repositories: readonly string[];
}

const serve = defineCommand<ServeOptions, Served>({
  name: 'serve',
  description:
    'serve the repository (or every repository under --root) over HTTP: the API the web UI, the Python client and remotes use',
  spec: (cmd) =>
    cmd
      .option('--root <dir>', 'serve every repository folder under DIR, as /repos/NAME')
      .option('--host <address>', 'address to listen on', '127.0.0.1')
      .option('--port <n>', 'port to listen on (0: any free port)', portNumber, 4800)
      .option('--allow-anonymous-read', 'let requests without a token read (never write)')
      .option('--log', 'log every request (JSON lines on stdout)')
      .option(
        '--no-sign-in',
        'print no sign-in URL (by default: a token for this run, revoked at stop)',
      ),
  repository: false,
  async run({ opts }, rc) {
    const { startServer, repositoryTokenCheck } = await import('../../server/index.js');
    const source =
      opts.root !== undefined
        ? { root: resolve(rc.cwd, opts.root) }
        : { repo: await findRepository(rc.cwd, rc.env, rc.globals) };
    const options = repositoryOptions(rc.env);
    const { beginSignIn, endSignIn, signInUrl } = await import('./serve-sign-in.js');
    const dir = 'repo' in source ? source.repo : undefined;
    const signIn = dir !== undefined && opts.signIn ? await beginSignIn(dir, options) : undefined;
    const revokeSignIn = async () => {
      if (signIn && dir !== undefined) await endSignIn(dir, options, signIn);
    };
    const server = await startServer({
      source,
      host: opts.host,
      port: opts.port,
      checkToken: repositoryTokenCheck,
      allowAnonymousRead: !!opts.allowAnonymousRead,
      repositoryOptions: options,
      log: !!opts.log,
    }).catch(async (e: unknown) => {
      await revokeSignIn();
      throw e;
    });
    rc.announce(
      `Verso serving ${server.repositories.map((r) => `/repos/${r}`).join(', ') || 'no repositories yet'} at ${server.url}`,
    );
    if (signIn)
      rc.announce(`Web UI: ${signInUrl(server.url, server.repositories[0] ?? '', signIn.token)}`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await server.close();
    await revokeSignIn();
    return { url: server.url, repositories: server.repositories };
  },
  render: () => ['server stopped'],
});

function portNumber(value: string): number {
  if (value.trim() === '0') return 0;
  const n = positiveInteger(value);
  if (n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  return n;
}

export const SERVE_COMMANDS: readonly AnyCliCommand[] = [serve];

export function registerServeCommands(program: Command, ctx: CliContext): void {
  registerTable(program, ctx, SERVE_COMMANDS);
}
