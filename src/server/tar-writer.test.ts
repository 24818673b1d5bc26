/**
 * The tar writer against the system's tar: a folder with nested folders, empty files, sizes on
 * and off the 512-byte block, a path that needs ustar's prefix field, a path too long for it
 * and a non-ASCII name (both through pax headers) unpacks to the same tree, byte for byte; the
 * archive is whole blocks and ends with two zero blocks.
 */
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tarFolder } from './tar-writer.js';

const root = mkdtempSync(join(tmpdir(), 'verso-tar-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tar(args: string[], input: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && err === '' ? resolve(out) : reject(new Error(`tar exit ${code}: ${err}`)),
    );
    child.stdin.end(input);
  });
}

async function archiveOf(dir: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const b of tarFolder(dir)) parts.push(b);
  return Buffer.concat(parts);
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const rel = relative(dir, join(d.parentPath, d.name));
    out[rel] = d.isDirectory() ? '<dir>' : readFileSync(join(dir, rel)).toString('base64');
  }
  return out;
}

describe('tarFolder', () => {
  it('archives a folder that the system tar unpacks to the same tree', async () => {
    const src = join(root, 'src');
    const deep = join(src, 'labels', 'a'.repeat(60), 'b'.repeat(60));
    const tooLong = join(src, 'c'.repeat(120), 'd'.repeat(120));
    mkdirSync(deep, { recursive: true });
    mkdirSync(tooLong, { recursive: true });
    mkdirSync(join(src, 'empty'));
    writeFileSync(join(src, 'data.yaml'), 'names: [car]\n');
    writeFileSync(join(src, 'zero.txt'), '');
    writeFileSync(join(src, 'block.bin'), Buffer.alloc(512, 7));
    writeFileSync(
      join(src, 'odd.bin'),
      Buffer.from(Array.from({ length: 1337 }, (_, i) => i % 251)),
    );
    writeFileSync(join(deep, 'x'.repeat(90) + '.txt'), '0 0.5 0.5 0.1 0.1\n');
    writeFileSync(join(tooLong, 'e'.repeat(100) + '.txt'), 'long\n');
    writeFileSync(join(src, 'étiquette-ünï.txt'), 'utf8\n');
    symlinkSync('/etc/passwd', join(src, 'outside'));

    const archive = await archiveOf(src);
    expect(archive.length % 512).toBe(0);
    expect(archive.subarray(-1024).every((b) => b === 0)).toBe(true);
    const listed = (await tar(['-t'], archive)).trim().split('\n');
    expect(listed).not.toContain('outside');
    expect(listed).toContain('étiquette-ünï.txt');

    const dst = join(root, 'dst');
    mkdirSync(dst);
    await tar(['-x', '-C', dst], archive);
    const { outside: _link, ...want } = tree(src);
    expect(tree(dst)).toEqual(want);
  });

  it('archives an empty folder as the end blocks only', async () => {
    const empty = join(root, 'nothing');
    mkdirSync(empty);
    expect(await archiveOf(empty)).toEqual(Buffer.alloc(1024));
  });
});
