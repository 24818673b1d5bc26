/**
 * Writing command output (layer: cli): buffered stdout that respects backpressure, so
 * printing millions of lines neither floods memory nor costs one syscall per line.
 */
const FLUSH_CHARS = 1 << 20;

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
    if (!this.stream.write(chunk))
      await new Promise<void>((resolve) => this.stream.once('drain', resolve));
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
    if (!stream.write(b)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  }
}

export function printJson(value: unknown): Promise<void> {
  return printLines([JSON.stringify(value, null, 2)]);
}
