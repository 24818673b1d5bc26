/**
 * Writing command output (layer: cli): buffered stdout that respects backpressure, so
 * printing millions of lines neither floods memory nor costs one syscall per line.
 *
 * `--json` output follows one rule everywhere (README, "JSON output"): it is JSON Lines. A
 * command that lists records prints one object per line (`printJsonLines`); any other command
 * prints exactly one object on one line (`printJson`). Field names are snake_case
 * (`json-case.ts`).
 */
import { waitForDrain } from '../io/output-file.js';
import { snakeCaseJson } from './json-case.js';

const FLUSH_CHARS = 1 << 20;

let wroteStdout = false;

/** Whether this process has printed command output on stdout (`failure.ts` asks). */
export function stdoutWritten(): boolean {
  return wroteStdout;
}

export class Output {
  private buf = '';

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  async line(s: string): Promise<void> {
    this.buf += s + '\n';
    if (this.buf.length >= FLUSH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buf) return;
    const chunk = this.buf;
    this.buf = '';
    if (this.stream === process.stdout) wroteStdout = true;
    if (!this.stream.write(chunk)) await waitForDrain(this.stream);
  }
}

export async function printLines(lines: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const out = new Output();
  for await (const l of lines) await out.line(l);
  await out.flush();
}

/** Print byte blocks of whole lines, as they come. */
export async function printBlocks(blocks: AsyncIterable<Uint8Array>): Promise<void> {
  const stream = process.stdout;
  for await (const b of blocks) {
    wroteStdout = true;
    if (!stream.write(b)) await waitForDrain(stream);
  }
}

/** One result as one line of JSON (snake_case members). */
export function printJson(value: unknown): Promise<void> {
  return printLines([jsonLine(value)]);
}

/** A list of records as JSON Lines, one record per line (snake_case members). */
export function printJsonLines(values: Iterable<unknown> | AsyncIterable<unknown>): Promise<void> {
  return printLines(
    (async function* () {
      for await (const v of values) yield jsonLine(v);
    })(),
  );
}

export function jsonLine(value: unknown): string {
  return JSON.stringify(snakeCaseJson(value));
}
