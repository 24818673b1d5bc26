/**
 * Which token a remote gets: `VERSO_TOKEN` first, else the credentials file's entry whose URL is
 * the longest prefix of the remote's (on a path boundary); a file others can read is refused,
 * a missing file means no token, a malformed one names the file.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenFor } from './credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'verso-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(doc: unknown, mode = 0o600): string {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  chmodSync(path, mode);
  return path;
}

describe('tokenFor', () => {
  const doc = {
    'http://h:4800': 'server-wide',
    'http://h:4800/repos/cats/': 'cats-only',
  };

  it('picks the longest URL prefix on a path boundary, and VERSO_TOKEN before the file', () => {
    const f = file(doc);
    expect(tokenFor('http://h:4800/repos/cats', { file: f })).toBe('cats-only');
    expect(tokenFor('http://h:4800/repos/dogs', { file: f })).toBe('server-wide');
    expect(tokenFor('http://h:4800/repos/catsup', { file: f })).toBe('server-wide');
    expect(tokenFor('http://h:48001/repos/cats', { file: f })).toBeUndefined();
    expect(tokenFor('http://h:4800/repos/cats', { file: f, token: 'env' })).toBe('env');
  });

  it('refuses a file its group or others can read, and uses none that is missing', () => {
    for (const mode of [0o640, 0o604, 0o644])
      expect(() => tokenFor('http://h:4800/repos/cats', { file: file(doc, mode) })).toThrow(
        expect.objectContaining({ code: 'CREDENTIALS_INSECURE' }),
      );
    expect(tokenFor('http://h:4800/repos/cats', { file: join(dir, 'absent') })).toBeUndefined();
  });

  it('names the file when it is not a JSON object of strings', () => {
    for (const bad of ['{not json', '[]', { 'http://h': 42 }])
      expect(() => tokenFor('http://h/repos/x', { file: file(bad) })).toThrow(
        expect.objectContaining({ code: 'FORMAT_PARSE' }),
      );
  });
});
