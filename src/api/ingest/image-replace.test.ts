/**
 * Per-image replacement: the merge build and the batched mutation give the same trees, equal to
 * a fresh build of the model's answer (the images an import covers hold exactly its labels and
 * reviews, the others keep theirs), on random branches and imports (seeded property).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeImageKey, encodeLabelKey } from '../../dataset/label-key.js';
import { compareBytes } from '../../tree/bytes.js';
import { TreeBuilder } from '../../tree/builder.js';
import { replaceImages, type LabelRoots } from './image-replace.js';
import { initRepository } from '../repository/init-repository.js';
import { type Repository } from '../repository/repository.js';
import { openRepository } from '../repository/compose.js';
import type { SortedRecord } from './sorted-label-build.js';

let dir: string;
let repo: Repository;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'verso-image-replace-'));
  await initRepository(join(dir, 'repo'));
  repo = await openRepository(join(dir, 'repo'));
});
afterAll(async () => {
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

/** (image, label) -> [label value, review value or null] */
type Model = Map<string, [string, string | null]>;

const keyOf = (id: string) => {
  const [image, label] = id.split('/') as [string, string];
  return encodeLabelKey(image, label);
};
const bytes = (s: string) => Buffer.from(s);

function build(model: Model): LabelRoots {
  const entries = [...model].map(([id, v]) => ({ key: keyOf(id), v }));
  entries.sort((a, b) => compareBytes(a.key, b.key));
  const labels = new TreeBuilder(repo.nodes);
  const reviews = new TreeBuilder(repo.nodes);
  for (const { key, v } of entries) {
    labels.add(key, bytes(v[0]));
    if (v[1] !== null) reviews.add(key, bytes(v[1]));
  }
  return { labels: labels.finish(), reviews: reviews.finish() };
}

const image = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'a\u0000x', 'ä', 'b2');
const label = fc.constantFrom('1', '2', '3', '10', 'x');
const entry = fc.tuple(
  image,
  label,
  fc.string({ maxLength: 4 }),
  fc.option(fc.string({ maxLength: 3 })),
);
const entries = fc.array(entry, { maxLength: 30 });

it('merge build = batched mutation = fresh build of the model (property)', async () => {
  await fc.assert(
    fc.asyncProperty(entries, entries, fc.array(image, { maxLength: 4 }), async (old, inc, extra) => {
      const base: Model = new Map(old.map(([i, l, v, r]) => [`${i}/${l}`, [`o${v}`, r === null ? null : `r${r}`]]));
      const incoming: Model = new Map(inc.map(([i, l, v, r]) => [`${i}/${l}`, [`n${v}`, r === null ? null : `s${r}`]]));
      const covered = new Set<string>([...extra, ...inc.map(([i]) => i)]);
      const expected: Model = new Map([...base].filter(([id]) => !covered.has(id.slice(0, id.lastIndexOf('/')))));
      for (const [id, v] of incoming) expected.set(id, v);

      const roots = build(base);
      const records: SortedRecord[] = [...incoming]
        .map(([id, v]) => ({ tag: 0, key: keyOf(id), label: bytes(v[0]), review: v[1] === null ? null : bytes(v[1]) }))
        .sort((a, b) => compareBytes(a.key, b.key));
      const coveredKeys = [...new Set(extra)].map(encodeImageKey).sort(compareBytes);
      const run = (strategy: 'build' | 'merge' | 'mutate') =>
        replaceImages(repo, {
          ...roots,
          incoming: (async function* () { yield* records; })(),
          incomingCount: records.length,
          covered: (async function* () { yield* coveredKeys; })(),
          coveredCount: coveredKeys.length,
          strategy,
        });
      const want = build(expected);
      const merged = await run('merge');
      if (base.size === 0) expect(Buffer.from((await run('build')).labels)).toEqual(Buffer.from(want.labels));
      const mutated = await run('mutate');
      expect(Buffer.from(merged.labels)).toEqual(Buffer.from(want.labels));
      expect(Buffer.from(merged.reviews)).toEqual(Buffer.from(want.reviews));
      expect(Buffer.from(mutated.labels)).toEqual(Buffer.from(want.labels));
      expect(Buffer.from(mutated.reviews)).toEqual(Buffer.from(want.reviews));
    }),
    { seed: 20261207, numRuns: 150 },
  );
}); // prettier-ignore
