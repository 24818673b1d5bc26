/**
 * Reads do not trust the disk (issue 10 item 5): bits flipped inside a real repository's LMDB
 * file, in a compressed labels leaf and in an uncompressed commit chunk. Every read that meets
 * the damaged chunk (`cat`, `export`, `show`) fails with exit 1 and one clear line naming the
 * chunk and `verso verify`, never exit 0 with wrong labels, and never lmdb-js's dump of the raw
 * bytes to stderr; `verify` lists the damage; `gc` refuses to delete anything.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { open } from 'lmdb';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashToHex, hexToHash, type ChunkHash } from '../../src/core/hash.js';
import { LmdbChunkStore } from '../../src/store/lmdb/lmdb-chunk-store.js';
import { decodeNode } from '../../src/tree/node.js';
import {
  REPO_ROOT,
  expectFailure,
  expectOk,
  initRepo,
  useTempRoot,
  type RunResult,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('corruption');
const COCO = resolve(
  REPO_ROOT,
  '../shared/data/real/coco/sahi/tests/data/coco_utils/visdrone2019-det-train-first50image.json',
);

let repo: TestRepo;
let dataFile: string;
let catBefore: string;

/** The bytes LMDB stores for `id` (compressed or not), read without decompressing. */
function storedBytes(id: ChunkHash): Buffer {
  const db = open<Buffer, Buffer>({
    path: join(repo.root, '.verso', 'chunks'),
    keyEncoding: 'binary',
    encoding: 'binary',
    compression: false,
    readOnly: true,
  });
  try {
    return Buffer.from(db.getBinary(Buffer.from(hexToHash(id)))!);
  } finally {
    void db.close();
  }
}

/** A leaf of the labels tree at `main`, one whose stored bytes are compressed. */
async function compressedLabelsLeaf(): Promise<ChunkHash> {
  const store = await LmdbChunkStore.open(join(repo.root, '.verso', 'chunks'));
  try {
    const stack = [(await repo.show()).trees.labels as ChunkHash];
    while (stack.length > 0) {
      const id = stack.pop()!;
      const node = decodeNode(hexToHash(id), (await store.get(hexToHash(id)))!);
      if (node.level > 0) stack.push(...node.values.map((h) => hashToHex(h)));
      else if (storedBytes(id)[0] === 254) return id;
    }
  } finally {
    await store.close();
  }
  throw new Error('no compressed labels leaf');
}

/**
 * Flips bit `bit` of byte `at` of the stored bytes of chunk `id` in data.mdb, at every place they
 * are found (LMDB's copy-on-write may leave an old copy of a page in a free page); returns an undo.
 */
function flipStoredBit(id: ChunkHash, at: number, bit: number): () => void {
  const stored = storedBytes(id);
  const file = readFileSync(dataFile);
  const offsets: number[] = [];
  for (let o = file.indexOf(stored); o >= 0; o = file.indexOf(stored, o + 1)) offsets.push(o);
  expect(offsets.length, `stored bytes of ${id} found in data.mdb`).toBeGreaterThan(0);
  const original = Buffer.from(file);
  for (const offset of offsets) file[offset + at]! ^= 1 << bit;
  writeFileSync(dataFile, file);
  return () => writeFileSync(dataFile, original);
}

function expectCorruptionReported(r: RunResult, id: ChunkHash): void {
  expectFailure(r, 1, `chunk ${id} is corrupt`, "run 'verso verify'");
  // Verso's error line and its hint line, nothing from lmdb-js (no "Failed to decompress", no
  // byte dump).
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^verso: error: /);
  expect(lines[1]).toMatch(/^verso: hint: run 'verso verify'/);
}

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  await repo.ok(['import', 'coco', COCO]);
  dataFile = join(repo.root, '.verso', 'chunks', 'data.mdb');
  catBefore = await repo.ok(['cat', 'main']);
});

describe('a flipped bit in the chunk store', () => {
  it('inside a compressed labels leaf: cat and export fail naming the chunk, at every position', async () => {
    const leaf = await compressedLabelsLeaf();
    const size = storedBytes(leaf).length;
    // Spread over the value: header, tokens, literals, offsets.
    const positions = [1, 3, 5, 9, 17, 33, 65, 129, 257, size >> 1, size - 9, size - 2];
    for (const [i, at] of positions.entries()) {
      const undo = flipStoredBit(leaf, at, i % 8);
      try {
        expectCorruptionReported(await repo.run(['cat', 'main']), leaf);
        if (i === 0)
          expectCorruptionReported(
            await repo.run([
              'export',
              'main',
              '--format',
              'coco',
              '--out',
              join(tmp.root(), 'o.json'),
            ]),
            leaf,
          );
      } finally {
        undo();
      }
    }
    expect(await repo.ok(['cat', 'main'])).toBe(catBefore);
  });

  it('inside an uncompressed commit chunk: show fails; verify lists it; gc deletes nothing', async () => {
    const head = await repo.head();
    const size = storedBytes(head as ChunkHash).length;
    expect(size).toBeLessThan(1000); // stored as is
    const undo = flipStoredBit(head as ChunkHash, size >> 1, 3);
    try {
      expectCorruptionReported(await repo.run(['show', 'main']), head as ChunkHash);
      const v = await repo.run(['verify']);
      expectFailure(v, 1, 'verify found 1 problem');
      expect(v.stdout).toContain(`problem: commit ${head}: content does not match its hash`);
      const before = readFileSync(dataFile);
      const gc = await repo.run(['gc']);
      expectFailure(gc, 1, 'nothing was deleted', 'verso verify');
      expect(readFileSync(dataFile).equals(before)).toBe(true);
    } finally {
      undo();
    }
    expectOk(await repo.run(['verify']));
    expect(await repo.ok(['cat', 'main'])).toBe(catBefore);
  });
});
