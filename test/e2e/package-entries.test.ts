/**
 * The package's library entries, as a program that installed Verso imports them by name
 * (package.json `exports`): `verso` gives the verbs and the embedded backends and not the
 * scale-out ones; `verso/scaleout` gives PostgresCatalog, S3PackChunkStore and S3BlobStore.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

async function exportsOf(entry: string): Promise<string[]> {
  const script = `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m)));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  expect(code, err).toBe(0);
  return JSON.parse(out) as string[];
}

it("'verso' and 'verso/scaleout' resolve by package name to their own exports", async () => {
  const main = await exportsOf('verso');
  expect(main).toEqual(
    expect.arrayContaining(['openRepository', 'LmdbChunkStore', 'SqliteCatalog']),
  );
  expect(main).not.toContain('PostgresCatalog');
  const scaleout = await exportsOf('verso/scaleout');
  expect(scaleout).toEqual(
    expect.arrayContaining(['PostgresCatalog', 'S3PackChunkStore', 'S3BlobStore', 'parseS3Url']),
  );
  expect(scaleout).not.toContain('openRepository');
});
