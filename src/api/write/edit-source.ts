/**
 * Where a batch of edits comes from (layer: api): a file (`verso apply FILE`), or lines held by
 * the caller (a server applying a request body, without a temporary file). Either way the ops
 * are parsed once, in order, with 1-based line numbers counted as in a file (blank lines are
 * skipped but counted), and errors name `source:line`.
 *
 * A write rebased onto a moved head (`write-to-branch.ts`) builds again from the same ops:
 * `EditOps` reads a regular file again (memory stays bounded by the batch's effect, as before,
 * however long the file), and keeps the parsed ops of anything else from their first complete
 * pass: lines (a request body cannot be read twice; the server bounds its size) and pipes
 * (`verso apply /dev/stdin`).
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseLabelLine, type LabelOp } from '../../dataset/label-line.js';
import { checkInputFile } from '../../io/input-file.js';
import { readLines, type NumberedLine } from '../../io/line-reader.js';

/** A batch in a file, or in lines given by the caller. */
export type EditSource =
  | { readonly file: string }
  | {
      /** One line per element (an element holding '\n' is split; a trailing '\r' is dropped). */
      readonly lines: AsyncIterable<string> | Iterable<string>;
      /** What the lines are called in errors and in the commit (e.g. 'request body'). */
      readonly source: string;
    };

/** The name errors use for the source: the file as given, or the caller's name for the lines. */
export function sourceName(s: EditSource): string {
  return 'file' in s ? s.file : s.source;
}

/** The short name the commit records: the file's base name, or the caller's name. */
export function sourceLabel(s: EditSource): string {
  return 'file' in s ? basename(s.file) : s.source;
}

/** Refuses a file that cannot be read, before any write begins. */
export function checkEditSource(s: EditSource): void {
  if ('file' in s) checkInputFile(s.file);
}

async function* numberedLines(s: EditSource): AsyncGenerator<NumberedLine> {
  if ('file' in s) {
    yield* readLines(s.file);
    return;
  }
  let line = 0;
  for await (const element of s.lines) {
    for (const part of element.split('\n')) {
      line++;
      let text = part.endsWith('\r') ? part.slice(0, -1) : part;
      if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
      if (text !== '') yield { text, line };
    }
  }
}

/** The ops of a source, pass after pass: a regular file is read again, the rest replayed. */
export class EditOps {
  private readonly parsed: LabelOp[] = [];
  private complete = false;

  private readonly rereadable: boolean;

  constructor(private readonly source: EditSource) {
    this.rereadable = 'file' in source && statSync(source.file).isFile();
  }

  async *ops(): AsyncGenerator<LabelOp> {
    const name = sourceName(this.source);
    if (this.rereadable) {
      for await (const { text, line } of numberedLines(this.source))
        yield parseLabelLine(text, name, line, true);
      return;
    }
    if (this.complete) {
      yield* this.parsed;
      return;
    }
    if (this.parsed.length > 0)
      throw new TypeError('EditOps: a second pass began before the first one finished');
    for await (const { text, line } of numberedLines(this.source)) {
      const op = parseLabelLine(text, name, line, true);
      this.parsed.push(op);
      yield op;
    }
    this.complete = true;
  }
}
