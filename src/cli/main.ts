/**
 * The `verso` executable's entry (layer: cli): runs the command tree (`program.ts`) and is the
 * only place that sets the exit code (0 ok, 1 error, 2 usage; `failure.ts` reports failures).
 * API modules are imported lazily inside each command, keeping cold start small.
 *
 * Nothing ends the process silently: a rejection or exception that escaped a command is
 * reported like any failure, and if the event loop empties while the command's promise is
 * still pending (a stream that failed without settling what awaited it; Node would exit 13
 * with no message) the process says so and exits 1.
 */
import type { Command } from 'commander';
import { reportFailure } from './failure.js';
import { EXIT_ERROR, EXIT_OK } from './exit-codes.js';
import { armFailpointFromEnv } from './failpoint-env.js';
import { printLines } from './output.js';
import { buildProgram } from './program.js';
import { versoVersion } from './version.js';

export async function main(argv: readonly string[]): Promise<number> {
  const json = wantsJson(argv);
  if (argv[0] === '--version' || argv[0] === '-V') {
    await printLines([versoVersion()]);
    return EXIT_OK;
  }
  try {
    const program = buildProgram();
    configureErrors(program, []);
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    return reportFailure(e, json);
  }
}

/** Commander's own refusals read `verso: error: ...`, then where to find the usage. */
function configureErrors(cmd: Command, path: readonly string[]): void {
  cmd.configureOutput({ outputError: (s, write) => write(`verso: ${s}`) });
  cmd.showHelpAfterError(`(run '${['verso', ...path].join(' ')} --help' for usage)`);
  for (const sub of cmd.commands) configureErrors(sub, [...path, sub.name()]);
}

function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

let finished = false;
const json = wantsJson(process.argv.slice(2));
const fail = (e: unknown) => {
  if (finished) return;
  finished = true;
  process.exit(reportFailure(e, json));
};

// A reader that stops early (`verso cat main | head`) closes the pipe: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT_OK);
  fail(e);
});
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  process.stderr.write(
    'verso: internal error: the command stopped before it finished (an operation never completed)\n',
  );
  process.exitCode = EXIT_ERROR;
});

// Crash tests: VERSO_FAILPOINT=<name> SIGKILLs this process at that step (core/failpoints.ts).
try {
  armFailpointFromEnv(process.env);
} catch (e) {
  fail(e);
}

void main(process.argv.slice(2)).then((code) => {
  if (finished) return;
  finished = true;
  process.exitCode = code;
});
