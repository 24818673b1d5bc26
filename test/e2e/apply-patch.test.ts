/**
 * Partial edits (issue 10 item 3) through the CLI: `apply` keeps `put` as a full replacement and
 * adds `patch`, a JSON merge patch (RFC 7396) of the fields given onto the stored label (and its
 * review); a patch of a label that does not exist is an error naming the line, and the result is
 * validated like any put. `merge resolve --value` says which fields of ours/theirs the value
 * drops.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  expectFailure,
  initRepo,
  useTempRoot,
  writeJsonLines,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('apply-patch');
let n = 0;

const BASE = {
  image: 'a',
  label: '1',
  category_id: 1,
  category: 'cat',
  bbox: [1, 2, 3, 4],
  area: 12,
  iscrowd: 0,
  attributes: { occluded: false, color: 'red' },
  review: { status: 'approved', reviewer: 'r1' },
};

let repo: TestRepo;
let dir: string;
const edits = (ops: object[]) => writeJsonLines(join(dir, `e${n++}.jsonl`), ops);
const stored = async (image = 'a', label = '1'): Promise<LabelRecord> =>
  (await repo.cat()).find((l) => l.image === image && l.label === label)!;

beforeEach(async () => {
  dir = tmp.dir(`case-${n++}`);
  repo = await initRepo(dir);
  await repo.importLabels(writeJsonLines(join(dir, 'base.jsonl'), [BASE, { image: 'b', label: '1', category: 'dog' }]));
}); // prettier-ignore

describe('apply patch', () => {
  it('merges the given fields; null removes one; nested objects merge; the rest stays', async () => {
    const r = await repo.apply(
      edits([
        {
          op: 'patch',
          image: 'a',
          label: '1',
          bbox: [2, 2, 3, 4],
          iscrowd: null,
          attributes: { occluded: true, color: null },
        },
      ]),
      'main',
    );
    expect(r.labels).toEqual({ added: 0, removed: 0, modified: 1 });
    expect(r.reviews).toEqual({ added: 0, removed: 0, modified: 0 });
    const { image: _i, label: _l, review, ...content } = await stored();
    expect(content).toEqual({
      area: 12,
      attributes: { occluded: true },
      bbox: [2, 2, 3, 4],
      category: 'cat',
      category_id: 1,
    });
    expect(review).toEqual(BASE.review);
  });

  it('a review member is a merge patch of the review; null removes it', async () => {
    await repo.apply(edits([{ op: 'patch', image: 'a', label: '1', review: { reviewer: 'r2', note: 'x' } }]), 'main');
    expect((await stored()).review).toEqual({ status: 'approved', reviewer: 'r2', note: 'x' });
    await repo.apply(edits([{ op: 'patch', image: 'a', label: '1', review: null }]), 'main');
    expect((await stored()).review).toBeUndefined();
    expect((await stored())['area']).toBe(12);
  }); // prettier-ignore

  it('applies in file order on top of an earlier put or patch of the same batch', async () => {
    await repo.apply(
      edits([
        { op: 'put', image: 'c', label: '1', category: 'bird', area: 5 },
        { op: 'patch', image: 'c', label: '1', area: 6 },
        { op: 'patch', image: 'c', label: '1', attributes: { flying: true } },
      ]),
      'main',
    );
    expect((await stored('c', '1'))).toEqual({ image: 'c', label: '1', area: 6, attributes: { flying: true }, category: 'bird' });
  }); // prettier-ignore

  it('put stays a full replacement: fields it lacks are gone', async () => {
    await repo.apply(edits([{ op: 'put', image: 'a', label: '1', category_id: 1, category: 'cat', bbox: [2, 2, 3, 4] }]), 'main');
    expect((await stored())['area']).toBeUndefined();
    expect((await stored()).review).toEqual(BASE.review);
  }); // prettier-ignore

  it('a patch of a label that does not exist is an error naming the line; nothing moves', async () => {
    const head = await repo.head();
    expectFailure(
      await repo.run(['apply', edits([{ op: 'patch', image: 'a', label: '1', area: 1 }, { op: 'patch', image: 'zz', label: '9', area: 1 }]), '--branch', 'main']),
      1,
      ":2 field 'label': patch of a label that does not exist (image 'zz', label '9')",
    );
    expect(await repo.head()).toBe(head);
  }); // prettier-ignore

  it('a patch after a delete of the same label in the batch is an error too', async () => {
    expectFailure(
      await repo.run(['apply', edits([{ op: 'delete', image: 'a', label: '1' }, { op: 'patch', image: 'a', label: '1', area: 1 }]), '--branch', 'main']),
      1,
      ":2 field 'label': patch of a label that does not exist",
    );
  }); // prettier-ignore

  it('the patched label is validated like a put', async () => {
    expectFailure(
      await repo.run(['apply', edits([{ op: 'patch', image: 'a', label: '1', bbox: [1, 2, -3, 4] }]), '--branch', 'main']),
      1,
      ":1 field 'bbox'",
    );
  }); // prettier-ignore
});

describe('merge resolve --value says which fields it drops', () => {
  it('names each field ours or theirs had that the value lacks', async () => {
    await repo.ok(['branch', 'create', 'dev']);
    await repo.apply(edits([{ op: 'patch', image: 'a', label: '1', bbox: [5, 5, 3, 4], score: 0.5 }]), 'dev');
    await repo.apply(edits([{ op: 'patch', image: 'a', label: '1', category: 'lynx' }]), 'main');
    expectFailure(await repo.run(['merge', 'dev', '--into', 'main']), 1, 'stopped');
    const value = join(dir, 'value.json');
    writeJsonLines(value, [{ category_id: 1, category: 'lynx', bbox: [5, 5, 3, 4], iscrowd: 0 }]);
    const text = await repo.ok(['merge', 'resolve', 'a/1', '--value', value]);
    expect(text).toContain('labels/a/1 drops area (ours, theirs), attributes (ours, theirs), score (theirs)');
    const json = await repo.json<{ dropped: Record<string, { field: string; from: string[] }[]> }>([
      'merge', 'resolve', 'a/1', '--value', value,
    ]);
    expect(json.dropped['labels/a/1']).toEqual([
      { field: 'area', from: ['ours', 'theirs'] },
      { field: 'attributes', from: ['ours', 'theirs'] },
      { field: 'score', from: ['theirs'] },
    ]);
  }); // prettier-ignore
  it('a value is checked like any written label: bad geometry is refused, nothing decided', async () => {
    await repo.ok(['branch', 'create', 'dev']);
    await repo.apply(edits([{ op: 'patch', image: 'a', label: '1', area: 1 }]), 'dev');
    await repo.apply(edits([{ op: 'patch', image: 'a', label: '1', area: 2 }]), 'main');
    expectFailure(await repo.run(['merge', 'dev', '--into', 'main']), 1, 'stopped');
    const value = join(dir, 'bad-value.json');
    writeJsonLines(value, [{ category: 'cat', bbox: [1, 2, -3, 4] }]);
    expectFailure(await repo.run(['merge', 'resolve', 'a/1', '--value', value]), 1, "bad-value.json:1 field 'bbox'");
    const status = await repo.json<{ undecided: number }>(['merge', 'status']);
    expect(status.undecided).toBe(1);
  }); // prettier-ignore
});
