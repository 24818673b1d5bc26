/**
 * Output files: a path is made writable (folders created) or refused with a reason before any
 * work, and a stream failure always surfaces as a rejection: a write or close never waits
 * forever on a stream that failed (the fault behind `export --out missing/dir/f` exiting 13).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputPathError } from './io-errors.js';
import { OutputFile, prepareOutputPath, waitForDrain } from './output-file.js';

const root = mkdtempSync(join(tmpdir(), 'verso-output-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Rejects if `p` neither settles within `ms` (a hang is a failure, not a timeout of the suite). */
function settlesWithin<T>(p: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms),
    ),
  ]);
}

describe('prepareOutputPath', () => {
  it('creates the missing folders of a file output, or the folder output itself', () => {
    const file = join(root, 'a', 'b', 'out.jsonl');
    expect(prepareOutputPath(file, 'file')).toBe(file);
    writeFileSync(file, 'ok\n');
    const folder = join(root, 'c', 'd');
    prepareOutputPath(folder, 'folder');
    writeFileSync(join(folder, 'x'), 'ok\n');
  });

  it('refuses a path under a file, naming the file in the way', () => {
    const blocker = join(root, 'blocker');
    writeFileSync(blocker, 'x');
    for (const kind of ['file', 'folder'] as const) {
      const target = join(blocker, 'sub', 'out');
      expect(() => prepareOutputPath(target, kind)).toThrow(OutputPathError);
      expect(() => prepareOutputPath(target, kind)).toThrow(
        `cannot write '${target}': '${blocker}' is a file, not a folder`,
      );
    }
  });

  it('names the file in the way relative to the folder a relative path was typed in, else absolutely, whatever the process folder', () => {
    const typedIn = join(root, 'typed-in');
    const blocker = join(typedIn, 'data', 'a-file');
    prepareOutputPath(join(typedIn, 'data', 'placeholder'), 'file');
    writeFileSync(blocker, 'x');
    const typed = join('data', 'a-file', 'out.jsonl');
    expect(() => prepareOutputPath(typed, 'file', typedIn)).toThrow(
      `cannot write '${typed}': '${join('data', 'a-file')}' is a file, not a folder`,
    );
    expect(() => prepareOutputPath(join(blocker, 'out.jsonl'), 'file')).toThrow(
      `'${blocker}' is a file, not a folder`,
    );
    expect(prepareOutputPath(join('data', 'new.jsonl'), 'file', typedIn)).toBe(
      join(typedIn, 'data', 'new.jsonl'),
    );
  });

  it('refuses a folder where a file output goes', () => {
    expect(() => prepareOutputPath(root, 'file')).toThrow(/is a folder, not a file/);
  });
});

describe('OutputFile', () => {
  it('writes and closes', async () => {
    const path = join(root, 'written.txt');
    const f = OutputFile.open(path);
    await f.write('a\n');
    await f.write(new TextEncoder().encode('b\n'));
    await f.close();
    expect(readFileSync(path, 'utf8')).toBe('a\nb\n');
  });

  it('rejects (never hangs) when the file cannot be opened, however much is written', async () => {
    const path = join(root, 'no', 'such', 'folder', 'f.jsonl');
    for (const size of [0, 10, 1 << 20]) {
      const f = OutputFile.open(path);
      const attempt = async () => {
        if (size > 0) await f.write(new Uint8Array(size));
        await f.close();
      };
      const error = await settlesWithin(attempt()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutputPathError);
      expect((error as Error).message).toContain('no such file or folder');
    }
  });
});

describe('waitForDrain', () => {
  it('resolves on drain and rejects when the stream fails or closes first', async () => {
    const drained = new PassThrough();
    const a = waitForDrain(drained);
    drained.emit('drain');
    await settlesWithin(a);

    const failed = new PassThrough();
    const b = waitForDrain(failed);
    failed.destroy(new Error('boom'));
    await expect(settlesWithin(b)).rejects.toThrow('boom');

    const closed = new PassThrough();
    const c = waitForDrain(closed);
    closed.destroy();
    await expect(settlesWithin(c)).rejects.toThrow(/closed before/);
  });
});
