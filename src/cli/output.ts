/**
 * Writing command output (layer: cli): buffered writes to the invocation's stdout that respect
 * backpressure, so printing millions of lines neither floods memory nor costs one syscall per
 * line.
 *
 * `--json` output follows one rule everywhere (README, "JSON output"): a command prints exactly
 * one JSON document on one line (`printJson`), except a command whose result is a stream of
 * records (`log`, `diff`, `cat`, the lists), which prints JSON Lines, one record per line
 * (`printJsonLines`). Field names are snake_case (`json-case.ts`).
 */
import { waitForDrain } from '../io/output-file.js';
import type { CliContext, OutputStream } from './context.js';
import { snakeCaseJson } from '../core/json-case.js';

const FLUSH_CHARS = 1 << 20;

export class Output {
  private buf = '';

  constructor(
    private readonly stream: OutputStream,
    private readonly onWrite: () => void = () => {},
  ) {}

  async line(s: string): Promise<void> {
    this.buf += s + '\n';
    if (this.buf.length >= FLUSH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buf) return;
    const chunk = this.buf;
    this.buf = '';
    this.onWrite();
    if (!this.stream.write(chunk)) await waitForDrain(this.stream);
  }
}

/** An `Output` on the invocation's stdout that marks it written. */
export function stdoutOf(ctx: CliContext): Output {
  return new Output(ctx.stdout, () => (ctx.stdoutWritten = true));
}

export async function printLines(
  ctx: CliContext,
  lines: Iterable<string> | AsyncIterable<string>,
): Promise<void> {
  const out = stdoutOf(ctx);
  for await (const l of lines) await out.line(l);
  await out.flush();
}

/** Print byte blocks of whole lines, as they come. */
export async function printBlocks(
  ctx: CliContext,
  blocks: AsyncIterable<Uint8Array>,
): Promise<void> {
  for await (const b of blocks) {
    ctx.stdoutWritten = true;
    if (!ctx.stdout.write(b)) await waitForDrain(ctx.stdout);
  }
}

/** One result as one line of JSON (snake_case members). */
export function printJson(ctx: CliContext, value: unknown): Promise<void> {
  return printLines(ctx, [jsonLine(value)]);
}

/** A list of records as JSON Lines, one record per line (snake_case members). */
export function printJsonLines(
  ctx: CliContext,
  values: Iterable<unknown> | AsyncIterable<unknown>,
): Promise<void> {
  return printLines(
    ctx,
    (async function* () {
      for await (const v of values) yield jsonLine(v);
    })(),
  );
}

export function jsonLine(value: unknown): string {
  return JSON.stringify(snakeCaseJson(value));
}
