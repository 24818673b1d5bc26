/**
 * Progress on stderr, only when stderr is a TTY (layer: cli): one line redrawn in place, so
 * pipes and CI logs stay clean.
 */
import type { Progress, ProgressFn } from '../api/repository/index.js';

export function progressBar(): ProgressFn | undefined {
  if (!process.stderr.isTTY) return undefined;
  let lastPhase = '';
  return (p: Progress) => {
    if (p.phase !== lastPhase && lastPhase) process.stderr.write('\n');
    lastPhase = p.phase;
    const done = p.done.toLocaleString('en-US');
    if (p.total) {
      const width = 30;
      const filled = Math.min(width, Math.round((p.done / p.total) * width));
      process.stderr.write(
        `\r${p.phase.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${p.total.toLocaleString('en-US')}`,
      );
    } else process.stderr.write(`\r${p.phase.padEnd(8)} ${done}`);
  };
}

export function endProgress(bar: ProgressFn | undefined): void {
  if (bar) process.stderr.write('\n');
}
