/**
 * `verso blame` end to end: after an import, an edit of one label and a review of another,
 * blame names the import as where each label came from, the edit commit as the last change
 * of the edited label, the review commit with reviewer and times; `--json` has the documented
 * shape; `--ref` reads an older commit; an unknown image or label exits non-zero naming it.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectFailure, initRepo, useTempRoot, writeJsonLines, type TestRepo } from './helpers.js';

const tmp = useTempRoot('blame');
const at = (day: string) => ({ env: { VERSO_COMMIT_TIME: `2026-03-${day}T10:00:00Z` } });

interface BlameJson {
  image: string;
  label: string;
  introduced: { commit: string; author: string; time: string; message: string };
  changed: { commit: string; author: string; time: string };
  annotator: unknown;
  annotated_at: unknown;
  review: {
    status: unknown;
    reviewer: unknown;
    reviewed_at: unknown;
    commit: string;
    time: string;
  } | null;
}

const label = (image: string, id: string, category: string) => ({
  image,
  label: id,
  category,
  bbox: [10, 20, 30, 40],
  annotator: `ann_${id}`,
  annotated_at: '2026-02-01T10:00:00Z',
});

let repo: TestRepo;
let importCommit: string;
let editCommit: string;
let reviewCommit: string;

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  const files = tmp.dir('files');
  await repo.ok(
    [
      'import',
      'labels',
      writeJsonLines(join(files, 'labels.jsonl'), [
        label('img1', '1', 'car'),
        label('img1', '2', 'person'),
        label('img2', '1', 'car'),
      ]),
    ],
    at('01'),
  );
  importCommit = await repo.head();
  await repo.ok(
    [
      'apply',
      writeJsonLines(join(files, 'edit.jsonl'), [
        { op: 'put', ...label('img1', '1', 'truck'), annotator: 'ann_9' },
      ]),
      '--branch',
      'main',
    ],
    at('02'),
  );
  editCommit = await repo.head();
  await repo.ok(
    [
      'apply',
      writeJsonLines(join(files, 'review.jsonl'), [
        {
          op: 'put',
          ...label('img1', '2', 'person'),
          review: { status: 'approved', reviewer: 'rev_2', reviewed_at: '2026-03-03T09:00:00Z' },
        },
      ]),
      '--branch',
      'main',
    ],
    at('03'),
  );
  reviewCommit = await repo.head();
}, 60_000);

describe('verso blame', () => {
  it('--json: introduced by the import, changed by the edit, reviewed by the review commit', async () => {
    const rows = await repo.json<BlameJson[]>(['blame', 'img1']);
    expect(rows.map((r) => r.label)).toEqual(['1', '2']);
    const [edited, reviewed] = rows as [BlameJson, BlameJson];
    expect(edited).toEqual({
      image: 'img1',
      label: '1',
      introduced: {
        commit: importCommit,
        author: expect.any(String),
        time: '2026-03-01T10:00:00.000Z',
        message: expect.any(String),
      },
      changed: { commit: editCommit, author: expect.any(String), time: '2026-03-02T10:00:00.000Z' },
      annotator: 'ann_9',
      annotated_at: '2026-02-01T10:00:00Z',
      review: null,
      // Not a model's proposal (`predict promote` sets it: model, set, prediction, score).
      proposed_by: null,
    });
    expect(reviewed.introduced.commit).toBe(importCommit);
    expect(reviewed.changed.commit).toBe(importCommit);
    expect(reviewed.annotator).toBe('ann_2');
    expect(reviewed.review).toEqual({
      status: 'approved',
      reviewer: 'rev_2',
      reviewed_at: '2026-03-03T09:00:00Z',
      commit: reviewCommit,
      time: '2026-03-03T10:00:00.000Z',
    });
  });

  it('one label, and --ref reads an older commit', async () => {
    const [now] = await repo.json<BlameJson[]>(['blame', 'img1', '1']);
    expect(now?.changed.commit).toBe(editCommit);
    const [before] = await repo.json<BlameJson[]>(['blame', 'img1', '1', '--ref', 'main~2']);
    expect(before?.changed.commit).toBe(importCommit);
    expect(before?.annotator).toBe('ann_1');
  });

  it('human output: one block per label with commits, annotator and reviewer', async () => {
    const out = await repo.ok(['blame', 'img1']);
    const blocks = out.trim().split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain('img1 1');
    expect(blocks[0]).toMatch(new RegExp(`introduced\\s+${importCommit.slice(0, 12)}`));
    expect(blocks[0]).toMatch(new RegExp(`changed\\s+${editCommit.slice(0, 12)}`));
    expect(blocks[0]).toContain('ann_9');
    expect(blocks[0]).toMatch(/review\s+none/);
    expect(blocks[1]).toContain('approved by rev_2 at 2026-03-03T09:00:00Z');
    expect(blocks[1]).toContain(reviewCommit.slice(0, 12));
  });

  it('an unknown image or label exits 1 naming it', async () => {
    expectFailure(
      await repo.run(['blame', 'no-such-image']),
      1,
      "no labels for image 'no-such-image' in main",
    );
    expectFailure(await repo.run(['blame', 'img2', '7']), 1, "no label '7' on image 'img2'");
  });
});
