/**
 * The examples of a run that `explain` cannot score (layer: api): those of its example set
 * without a vector, when `run add-vectors` covered only some of them.
 *
 * Cost: nothing when the vectors cover the whole set (their count equals the example count,
 * since every vector key is a distinct member of the set). Otherwise one read of the vector
 * file's key section (never its vectors) and one walk of the example-set keys.
 */
import { open } from 'node:fs/promises';
import type { RunRecord } from '../../catalog/catalog.js';
import { CorruptionError } from '../../core/errors.js';
import { hexToHash } from '../../core/hash.js';
import { decodeLabelKey } from '../../dataset/label-key.js';
import {
  decodeVectorFile,
  decodeVectorHeader,
  keysInSection,
  VECTOR_HEADER_BYTES,
  vectorKeys,
} from '../../influence/vector-file.js';
import { scanLeaves } from '../../tree/read.js';
import type { Repository } from '../repository/repository.js';

/** `IMAGE/LABEL` of every example of `run` without a vector, in key order. */
export async function unscoredExamples(repo: Repository, run: RunRecord): Promise<string[]> {
  const vectors = run.vectors;
  if (!vectors || vectors.count >= run.exampleCount) return [];
  const scored = new Set(await vectorKeysOf(repo, run));
  const out: string[] = [];
  for await (const leaf of scanLeaves(repo.nodes, hexToHash(run.exampleSet)))
    for (let i = leaf.from; i < leaf.to; i++) {
      const { image, label } = decodeLabelKey(leaf.keys[i]!);
      const key = `${image}/${label}`;
      if (!scored.has(key)) out.push(key);
    }
  return out;
}

async function vectorKeysOf(repo: Repository, run: RunRecord): Promise<string[]> {
  const blob = run.vectors!.blob;
  try {
    const path = await repo.blobs.localPath(blob);
    if (path !== undefined) return await keySectionOf(path);
    const bytes = await repo.blobs.get(blob);
    if (!bytes) throw new Error('missing');
    return [...vectorKeys(decodeVectorFile(bytes))];
  } catch (e) {
    throw new CorruptionError(`vector blob ${blob} of run ${run.id}: ${(e as Error).message}`, {
      blob,
    });
  }
}

/** The keys of the vector file at `path`, read from its key section alone. */
async function keySectionOf(path: string): Promise<string[]> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(VECTOR_HEADER_BYTES);
    await file.read(head, 0, head.length, 0);
    const header = decodeVectorHeader(head);
    const size = (await file.stat()).size;
    if (header.keysOffset > size) throw new Error('truncated: fewer vectors than the header says');
    const keys = new Uint8Array(size - header.keysOffset);
    await file.read(keys, 0, keys.length, header.keysOffset);
    const rows = Array.from({ length: header.count }, (_, i) => i);
    return [...keysInSection(keys, header.count, rows).values()];
  } finally {
    await file.close();
  }
}
