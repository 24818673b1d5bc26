/**
 * The CLI as a function (layer: cli): `main({argv, stdout, stderr, env, cwd})` runs one command
 * line against the given streams and returns its exit code (0 ok, 1 error, 2 usage; `failure.ts`
 * reports failures). It touches no process global: no `process.exit`, `process.env`,
 * `process.cwd()` or `process.stdout`, so tests (and a server) can call it in process. The
 * executable's process hooks live in `bin.ts`.
 *
 * API modules are imported lazily inside each command, keeping cold start small.
 */
import type { Command } from 'commander';
import type { CliContext, OutputStream } from './context.js';
import { readEnvironment } from './environment.js';
import { reportFailure } from './failure.js';
import { EXIT_OK } from './exit-codes.js';
import { printLines } from './output.js';
import { buildProgram } from './program.js';
import { versoVersion } from './version.js';

export interface MainOptions {
  /** The arguments after `verso`. */
  readonly argv: readonly string[];
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths and the repository search start from. */
  readonly cwd: string;
}

export async function main(options: MainOptions): Promise<number> {
  const { argv } = options;
  const ctx: CliContext = {
    stdout: options.stdout,
    stderr: options.stderr,
    env: readEnvironment(options.env),
    cwd: options.cwd,
    json: wantsJson(argv),
    stdoutWritten: false,
  };
  try {
    if (argv[0] === '--version' || argv[0] === '-V') {
      await printLines(ctx, [versoVersion()]);
      return EXIT_OK;
    }
    const program = buildProgram(ctx);
    configureOutput(program, [], ctx);
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    return reportFailure(e, ctx);
  }
}

/**
 * Commander writes help and its refusals to the invocation's streams; its refusals read
 * `verso: error: ...`, then where to find the usage.
 */
function configureOutput(cmd: Command, path: readonly string[], ctx: CliContext): void {
  cmd.configureOutput({
    writeOut: (s) => {
      ctx.stdoutWritten = true;
      ctx.stdout.write(s);
    },
    writeErr: (s) => ctx.stderr.write(s),
    outputError: (s, write) => write(`verso: ${s}`),
    getOutHelpWidth: () => 80,
    getErrHelpWidth: () => 80,
  });
  cmd.showHelpAfterError(`(run '${['verso', ...path].join(' ')} --help' for usage)`);
  for (const sub of cmd.commands) configureOutput(sub, [...path, sub.name()], ctx);
}

function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}
