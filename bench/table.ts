/**
 * What every benchmark suite shares for its output (layer: bench): the targets table (operation,
 * measured value, target, ok / MISS: a missed target is printed, never hidden), number
 * formatting, and timestamped progress lines on stderr.
 */
export interface TableRow {
  readonly operation: string;
  readonly measured: string;
  readonly target: string;
  /** null: informational row without a target. */
  readonly ok: boolean | null;
}

export function renderTable(title: string, rows: readonly TableRow[]): string {
  const w0 = Math.max(9, ...rows.map((x) => x.operation.length));
  const w1 = Math.max(8, ...rows.map((x) => x.measured.length));
  const w2 = Math.max(6, ...rows.map((x) => x.target.length));
  const line = (a: string, b: string, c: string, d: string) =>
    `| ${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c.padEnd(w2)} | ${d.padEnd(4)} |\n`;
  let text = `\n${title}\n\n`;
  text += line('operation', 'measured', 'target', 'ok');
  text += `|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|${'-'.repeat(w2 + 2)}|------|\n`;
  for (const x of rows)
    text += line(x.operation, x.measured, x.target, x.ok === null ? '' : x.ok ? 'ok' : 'MISS');
  return text;
}

export const fmtNumber = (x: number, digits = 1): string =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A progress logger for one suite: `[bench SUITE hh:mm:ss] message` on stderr. */
export function benchLog(suite: string): (msg: string) => void {
  const tag = suite ? `bench ${suite}` : 'bench';
  return (msg) =>
    process.stderr.write(`[${tag} ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
