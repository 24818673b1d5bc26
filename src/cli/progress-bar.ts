/**
 * Progress on the invocation's stderr, only when it is a TTY (layer: cli): one line redrawn in
 * place, so pipes and CI logs stay clean.
 */
import type { Progress, ProgressFn } from '../api/repository/index.js';
import type { CliContext } from './context.js';

export function progressBar(ctx: CliContext): ProgressFn | undefined {
  const err = ctx.stderr;
  if (!err.isTTY) return undefined;
  let lastPhase = '';
  return (p: Progress) => {
    if (p.phase !== lastPhase && lastPhase) err.write('\n');
    lastPhase = p.phase;
    const done = p.done.toLocaleString('en-US');
    if (p.total) {
      const width = 30;
      const filled = Math.min(width, Math.round((p.done / p.total) * width));
      err.write(
        `\r${p.phase.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${p.total.toLocaleString('en-US')}`,
      );
    } else err.write(`\r${p.phase.padEnd(8)} ${done}`);
  };
}

export function endProgress(ctx: CliContext, bar: ProgressFn | undefined): void {
  if (bar) ctx.stderr.write('\n');
}
