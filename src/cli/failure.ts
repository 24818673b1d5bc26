/**
 * How a failed command is reported (layer: cli): one `verso: error: MESSAGE` line on stderr
 * and an exit code from one table (`exit-codes.ts`); with `--json`, when the command printed
 * no result, also one line `{"error": {code, category, message, hint?, data}}` on stdout, so
 * a script reading stdout always gets JSON: the result (`verify` with its problems, the records
 * a list printed before it failed) or the error.
 *
 * - commander's refusals (unknown option, missing argument) and `UsageError`: exit 2 (commander
 *   has printed its message already, through `configureOutput` in `main.ts`);
 * - a `VersoError`: its category's exit code; what the user can do about it (`error-hints.ts`,
 *   by code) follows as a `verso: hint: HINT` line, and is the envelope's `hint`;
 * - a file-system error that escaped the operations (`ENOENT`, `EACCES`, `ENOSPC`, ...): exit 1
 *   with the path and the reason, never a stack trace: the user's environment, not a bug;
 * - anything else is a bug: `verso: internal error:` with the stack, exit 1.
 */
import { CommanderError } from 'commander';
import { isVersoError, type ErrorCategory, type ErrorCode } from '../core/errors.js';
import { fileErrorReason } from '../io/output-file.js';
import { hintFor } from './error-hints.js';
import { EXIT_CODE_BY_CATEGORY, EXIT_ERROR, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import type { CliContext } from './context.js';
import { jsonLine } from './output.js';
import { UsageError } from './usage-error.js';

interface Failure {
  readonly exitCode: number;
  /** The stderr line; undefined when commander printed it already. */
  readonly stderr?: string;
  readonly envelope?: {
    /** A Verso error code, or the errno code of a file-system error (`ENOENT`, ...). */
    readonly code: ErrorCode | `E${string}`;
    readonly category: ErrorCategory;
    readonly message: string;
    readonly hint?: string;
    readonly data?: unknown;
  };
}

/** Prints the failure (stderr, and stdout with `json`) and returns the exit code. */
export function reportFailure(
  e: unknown,
  ctx: Pick<CliContext, 'stdout' | 'stderr' | 'json' | 'stdoutWritten'>,
): number {
  const f = describeFailure(e);
  if (f.stderr !== undefined) ctx.stderr.write(f.stderr);
  if (ctx.json && f.envelope && !ctx.stdoutWritten)
    ctx.stdout.write(jsonLine({ error: f.envelope }) + '\n');
  return f.exitCode;
}

export function describeFailure(e: unknown): Failure {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version')
      return { exitCode: EXIT_OK };
    const message = e.message.replace(/^error: /, '');
    return {
      exitCode: EXIT_USAGE,
      envelope: { code: 'USAGE', category: 'InvalidInput', message },
    };
  }
  if (isVersoError(e)) {
    const hint = hintFor(e);
    const hintLine = hint && !e.message.includes(hint) ? `verso: hint: ${hint}\n` : '';
    return {
      exitCode: e instanceof UsageError ? EXIT_USAGE : EXIT_CODE_BY_CATEGORY[e.category],
      stderr: `verso: error: ${e.message}\n${hintLine}`,
      envelope: {
        code: e.code,
        category: e.category,
        message: e.message,
        ...(hint ? { hint } : {}),
        data: e.data,
      },
    };
  }
  const fileError = describeFileError(e);
  if (fileError) return fileError;
  return {
    exitCode: EXIT_ERROR,
    stderr: `verso: internal error: ${(e as Error | undefined)?.stack ?? String(e)}\n`,
    envelope: { code: 'INTERNAL', category: 'Internal', message: String(e) },
  };
}

const VERBS: Readonly<Record<string, string>> = {
  open: 'cannot open',
  write: 'cannot write',
  mkdir: 'cannot create folder',
  rename: 'cannot rename',
  unlink: 'cannot remove',
  rmdir: 'cannot remove',
  scandir: 'cannot list',
  copyfile: 'cannot copy',
  read: 'cannot read',
  stat: 'cannot read',
};
const RESOURCE_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);

function describeFileError(e: unknown): Failure | undefined {
  const errno = e as NodeJS.ErrnoException | undefined;
  const reason = fileErrorReason(errno?.code);
  if (!errno || reason === undefined) return undefined;
  const verb = VERBS[errno.syscall ?? ''] ?? 'cannot access';
  const what = errno.path === undefined ? verb : `${verb} '${errno.path}'`;
  const message = `${what}: ${reason}`;
  return {
    exitCode: EXIT_ERROR,
    stderr: `verso: error: ${message}\n`,
    envelope: {
      code: errno.code as `E${string}`,
      category: RESOURCE_CODES.has(errno.code!) ? 'Internal' : 'InvalidInput',
      message,
      data: { path: errno.path ?? null, syscall: errno.syscall ?? null },
    },
  };
}
