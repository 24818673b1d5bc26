/**
 * Blame of annotators' labelings (issue 18) against a brute-force computation: random histories
 * of annotator imports (each a commit that replaces one annotator's labeling of the images it
 * names), then for every (image, object, annotator) at the head, the commit that introduced it
 * and the one that last changed it equal those found by reading every commit's labelings (as
 * content, `labelingOf`, with the annotator's own label id) oldest first. Also: one object, and a clear error for an image with no
 * labelings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VersoError } from '../../core/errors.js';
import { getCommit } from '../../vcs/commit.js';
import { resolveRef } from '../../vcs/resolve-ref.js';
import { labelingsOf, scanObjectLabelings } from '../annotators/object-scan.js';
import { importAnnotatorLabels } from '../ingest/import-annotator-labels.js';
import { openRepository } from '../repository/compose.js';
import { initRepository } from '../repository/init-repository.js';
import { snapshotOfCommit } from '../repository/snapshot-at.js';
import type { Repository } from '../repository/repository.js';
import { annotationBlame } from './annotation-blame.js';

const CLASSES = ['cat', 'dog'];

const label = fc.record({
  image: fc.constantFrom('i1', 'i2'),
  label: fc.constantFrom('1', '2', '3'),
  category: fc.constantFrom(...CLASSES),
  x: fc.constantFrom(0, 40, 80),
  dx: fc.integer({ min: 0, max: 2 }),
});
const step = fc.record({
  annotator: fc.constantFrom('a', 'b', 'c'),
  labels: fc.uniqueArray(label, { selector: (l) => `${l.image}/${l.label}`, maxLength: 4 }),
});

async function withRepo(use: (repo: Repository, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'verso-annotation-blame-'));
  try {
    await initRepository(join(dir, 'repo'));
    const repo = await openRepository(join(dir, 'repo'));
    try {
      await use(repo, dir);
    } finally {
      await repo.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Step = {
  annotator: string;
  labels: { image: string; label: string; category: string; x: number; dx: number }[];
};

async function importStep(repo: Repository, dir: string, s: Step, n: number) {
  const file = join(dir, `step-${n}.jsonl`);
  const lines = s.labels.map((l) =>
    JSON.stringify({ image: l.image, label: l.label, category: l.category, bbox: [l.x + l.dx, 0, 20, 20] }),
  );
  writeFileSync(file, lines.join('\n') + (lines.length ? '\n' : ''));
  await importAnnotatorLabels(repo, {
    file,
    branch: 'main',
    annotator: s.annotator,
    policy: { allowUnknownImages: true },
  });
} // prettier-ignore

/** The first-parent chain from main, oldest first. */
async function chain(repo: Repository): Promise<string[]> {
  const ids: string[] = [];
  let id: string | undefined = await resolveRef(repo.catalog, repo.chunks, 'main');
  while (id !== undefined) {
    ids.unshift(id);
    id = (await getCommit(repo.chunks, id as never)).parents[0];
  }
  return ids;
}

/** Every labeling of each commit, as content, by `image/object/annotator`. */
async function labelingsAt(repo: Repository, commit: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const snap = await snapshotOfCommit(repo, commit as never);
  for await (const batch of scanObjectLabelings(repo, snap))
    for (const o of batch)
      for (const [i, l] of labelingsOf(o).entries()) {
        // what `cat --annotator` reads back: the content and the annotator's own label id
        const id = o.annotations[i]!.annotation.label ?? o.object;
        out.set(`${o.image}/${o.object}/${l.annotator}`, JSON.stringify([l.content, id]));
      }
  return out;
}

describe('annotationBlame', () => {
  it('equals the brute-force walk of every commit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) =>
        withRepo(async (repo, dir) => {
          for (const [n, s] of steps.entries()) await importStep(repo, dir, s, n);
          const commits = await chain(repo);
          const states = await Promise.all(commits.map((c) => labelingsAt(repo, c)));
          const head = states[states.length - 1]!;
          for (const image of ['i1', 'i2']) {
            const mine = [...head.keys()].filter((k) => k.startsWith(`${image}/`));
            if (mine.length === 0) {
              await expect(annotationBlame(repo, { ref: 'main', image })).rejects.toThrow(
                VersoError,
              );
              continue;
            }
            const found = await annotationBlame(repo, { ref: 'main', image });
            expect(found.map((b) => `${b.image}/${b.object}/${b.annotator}`).sort()).toEqual(
              mine.sort(),
            );
            for (const b of found) {
              const k = `${b.image}/${b.object}/${b.annotator}`;
              let introduced = 0;
              let changed = 0;
              for (let i = 1; i < states.length; i++) {
                const [before, after] = [states[i - 1]!.get(k), states[i]!.get(k)];
                if (after === undefined) continue;
                if (before === undefined) introduced = i;
                if (before !== after) changed = i;
              }
              expect([b.introduced.commit, b.changed.commit]).toEqual([
                commits[introduced],
                commits[changed],
              ]);
            }
          }
        }),
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('blames one object, with each annotator and their own label id', async () => {
    await withRepo(async (repo, dir) => {
      const at = (annotator: string, x: number, id = '1') => ({
        annotator,
        labels: [{ image: 'i1', label: id, category: 'cat', x, dx: 0 }],
      });
      await importStep(repo, dir, at('a', 0), 0);
      await importStep(repo, dir, at('b', 0, 'b-own'), 1);
      await importStep(repo, dir, at('a', 1), 2);
      const [first, second, third] = await chain(repo).then((c) => c.slice(1));
      const found = await annotationBlame(repo, { ref: 'main', image: 'i1', object: '1' });
      expect(
        found.map((b) => [b.annotator, b.label, b.introduced.commit, b.changed.commit]),
      ).toEqual([
        ['a', '1', first, third],
        ['b', 'b-own', second, second],
      ]);
      await expect(
        annotationBlame(repo, { ref: 'main', image: 'i1', object: 'nope' }),
      ).rejects.toThrow("no annotators' labelings of object 'nope' of image 'i1' in main");
    });
  });
});
