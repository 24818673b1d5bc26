/**
 * The `verso` executable's entry (layer: cli): runs `main()` on this process's argv, streams,
 * environment and folder, and owns everything that is about the process itself; it is the only
 * place that sets the exit code.
 *
 * Nothing ends the process silently: a rejection or exception that escaped a command is
 * reported like any failure, and if the event loop empties while the command's promise is
 * still pending (a stream that failed without settling what awaited it; Node would exit 13
 * with no message) the process says so and exits 1. A reader that stops early
 * (`verso cat main | head`) closes the pipe: EPIPE is not an error.
 */
import { EXIT_ERROR, EXIT_OK } from './exit-codes.js';
import { armFailpointFromEnv } from './failpoint-env.js';
import { reportFailure } from './failure.js';
import { main, type InvocationState } from './main.js';

// The AWS SDK (a repository on S3) warns on stderr, in every command, that releases after
// January 2027 will need Node 22; the versions the lockfile pins run on Node 20.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const argv = process.argv.slice(2);
const end = argv.indexOf('--');
const json = (end < 0 ? argv : argv.slice(0, end)).includes('--json');

// Written by `main` as it prints: a failure it could not catch still gets the `--json` error
// envelope on stdout when nothing else was printed there (`failure.ts`).
const state: InvocationState = { stdoutWritten: false };

let finished = false;
const fail = (e: unknown) => {
  if (finished) return;
  finished = true;
  process.exit(
    reportFailure(e, {
      stdout: process.stdout,
      stderr: process.stderr,
      json,
      stdoutWritten: state.stdoutWritten,
    }),
  );
};

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
// Armed here, at process level, never inside main(): an in-process run cannot kill its host.
try {
  armFailpointFromEnv(process.env);
} catch (e) {
  fail(e);
}

if (!finished)
  void main({
    argv,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    state,
  }).then((code) => {
    if (finished) return;
    finished = true;
    process.exitCode = code;
  });
