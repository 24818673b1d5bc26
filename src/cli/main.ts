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
import { buildProgramFor } from './command-groups.js';
import { versoVersion } from './version.js';

export interface MainOptions {
  /** The arguments after `verso`. */
  readonly argv: readonly string[];
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths and the repository search start from. */
  readonly cwd: string;
  /**
   * Where the call records whether stdout was written, for a caller that reports a failure
   * `main` could not catch (`bin.ts`: an uncaught exception still gets the `--json` envelope
   * when nothing was printed).
   */
  readonly state?: InvocationState;
}

/** What a call of `main` records about its output while it runs. */
export interface InvocationState {
  stdoutWritten: boolean;
}

export async function main(options: MainOptions): Promise<number> {
  const { argv } = options;
  const state = options.state ?? { stdoutWritten: false };
  const ctx: CliContext = {
    stdout: options.stdout,
    stderr: options.stderr,
    env: readEnvironment(options.env),
    cwd: options.cwd,
    json: wantsJson(argv),
    get stdoutWritten() {
      return state.stdoutWritten;
    },
    set stdoutWritten(written: boolean) {
      state.stdoutWritten = written;
    },
  };
  try {
    const program = await buildProgramFor(ctx, argv);
    if (asksVersion(program, argv)) {
      await printLines(ctx, [versoVersion()]);
      return EXIT_OK;
    }
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

/**
 * Whether the line asks for `--version` (or `-V`): anywhere before `--`, except as the option
 * of a command that has its own `--version` (`model register --version V`). It is not a
 * commander option because options of the root are global and would take that one too.
 */
function asksVersion(program: Command, argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  let cmd = program;
  for (const word of end < 0 ? argv : argv.slice(0, end)) {
    if (word === '--version' || word === '-V') {
      if (!cmd.options.some((o) => o.long === '--version')) return true;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub) cmd = sub;
  }
  return false;
}
