/**
 * Refs end to end (issue 10, items 2 and 18): deleting the default branch or a branch with a
 * pending merge needs --force; every ref move is in the ref log (what, when, who, from, to,
 * operation), deleted branches included, and a deleted branch is restored from it by full id
 * or prefix; ref expressions take `^2`; a mistyped ref or an unknown `--branch` gets a hint;
 * tags are never deleted.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  E2E_AUTHOR,
  expectFailure,
  initRepo,
  parseJsonLines,
  useTempRoot,
  writeJsonLines,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('refs');

interface RefLogJson {
  readonly seq: number;
  readonly ref: string;
  readonly kind: 'branch' | 'tag';
  readonly from: string | null;
  readonly to: string | null;
  readonly operation: string;
  readonly author: string;
  readonly time: string;
  readonly message: string;
}

let repo: TestRepo;
let n = 0;

const reflog = async (...args: string[]) =>
  parseJsonLines<RefLogJson>(await repo.ok(['reflog', ...args, '--json']));

/** A one-label edit batch on `branch` (a new commit, and a new box, each time). */
async function edit(branch: string, image = `img-${n + 1}`): Promise<string> {
  n++;
  const file = writeJsonLines(join(tmp.dir('edits'), `e${n}.jsonl`), [
    { op: 'put', image, label: '1', category: 'cat', bbox: [n, 1, 5, 5] },
  ]);
  await repo.apply(file, branch);
  return repo.head(branch);
}

beforeAll(async () => {
  repo = await initRepo(tmp.root());
});

describe('branch delete', () => {
  it('refuses the default branch without --force; with it, main is restored from the ref log', async () => {
    const head = await edit('main');
    expectFailure(
      await repo.run(['branch', 'delete', 'main']),
      1,
      "not deleting branch 'main': it is the default branch",
      '--force',
    );
    expect(await repo.head('main')).toBe(head);

    const deleted = await repo.json<{ name: string; target: string }>([
      'branch',
      'delete',
      'main',
      '--force',
    ]);
    expect(deleted).toMatchObject({ name: 'main', target: head });
    const hint = await repo.run(['log']);
    expectFailure(hint, 1, "ref not found: 'main'", "branch 'main' was deleted");
    expect(hint.stderr).toContain(`verso branch create main --from ${head.slice(0, 12)}`);

    const [entry] = await reflog('main');
    expect(entry).toMatchObject({
      ref: 'main',
      kind: 'branch',
      from: head,
      to: null,
      operation: 'branch delete',
      author: E2E_AUTHOR,
    });
    expect(Date.parse(entry!.time)).not.toBeNaN();
    await repo.ok(['branch', 'create', 'main', '--from', entry!.from!]);
    expect(await repo.head('main')).toBe(head);
  });

  it('restores a deleted branch by a commit-id prefix from the ref log', async () => {
    await repo.ok(['branch', 'create', 'topic']);
    const head = await edit('topic');
    await repo.ok(['branch', 'delete', 'topic']);
    expectFailure(await repo.run(['show', 'topic']), 1, "branch 'topic' was deleted");
    const prefix = (await reflog('topic'))[0]!.from!.slice(0, 8);
    await repo.ok(['branch', 'create', 'topic-again', '--from', prefix]);
    expect(await repo.head('topic-again')).toBe(head);
  });

  it('refuses a branch with a pending merge without --force, keeps the merge with it', async () => {
    await repo.ok(['branch', 'create', 'side']);
    await edit('side', 'shared');
    await edit('main', 'shared');
    expectFailure(await repo.run(['merge', 'main', '--into', 'side']), 1);
    const head = await repo.head('side');
    expectFailure(
      await repo.run(['branch', 'delete', 'side']),
      1,
      'it has a pending merge',
      'verso merge abort --into side',
    );
    expect(await repo.head('side')).toBe(head);
    const deleted = await repo.json<{ pending_merge_kept: boolean }>([
      'branch',
      'delete',
      'side',
      '--force',
    ]);
    expect(deleted.pending_merge_kept).toBe(true);
    await repo.ok(['merge', 'abort', '--into', 'side']);
  });
});

describe('the ref log', () => {
  it('records every move with its operation, in order, newest first', async () => {
    await repo.ok(['branch', 'create', 'logged']);
    const created = (await reflog('logged'))[0]!;
    expect(created).toMatchObject({ from: null, operation: 'branch create', message: 'from main' });
    const after = await edit('logged');
    await repo.ok(['branch', 'create', 'ff-source', '--from', 'logged']);
    const ffHead = await edit('ff-source');
    await repo.ok(['merge', 'ff-source', '--into', 'logged']);
    await repo.ok(['tag', 'create', 'logged-v1', 'logged']);
    const entries = await reflog('logged');
    expect(entries.map((e) => [e.operation, e.from, e.to])).toEqual([
      ['merge: fast-forward', after, ffHead],
      ['commit: apply', created.to, after],
      ['branch create', null, created.to],
    ]);
    expect(entries[1]!.message).toBe((await repo.show('logged~1')).message);
    expect(await reflog('logged-v1')).toEqual([
      expect.objectContaining({ kind: 'tag', operation: 'tag create', to: ffHead }),
    ]);
    const all = await reflog();
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));
    expect(await reflog('-n', '2')).toEqual(all.slice(0, 2));
    expect(await repo.ok(['reflog', 'logged'])).toMatch(/merge: fast-forward by e2e-tester/);
  });

  it('refuses a name it never saw, with a hint', async () => {
    expectFailure(
      await repo.run(['reflog', 'loged']),
      1,
      "ref not found: 'loged'",
      "did you mean 'logged'",
    );
    expectFailure(await repo.run(['reflog', '-n', '0']), 2, 'positive integer');
  });
});

describe('ref expressions and hints', () => {
  it('^2 is the second parent of a merge commit; ^ and ~ compose left to right', async () => {
    await repo.ok(['branch', 'create', 'left']);
    await repo.ok(['branch', 'create', 'right', '--from', 'left']);
    const l = await edit('left');
    const r = await edit('right');
    await repo.ok(['merge', 'right', '--into', 'left', '--no-ff']);
    expect(await repo.head('left^1')).toBe(l);
    expect(await repo.head('left^')).toBe(l);
    expect(await repo.head('left^2')).toBe(r);
    expect(await repo.head('left^2~1')).toBe(await repo.head('right~1'));
    expect(await repo.head('left^0')).toBe(await repo.head('left'));
    expectFailure(await repo.run(['show', 'left^3']), 1, 'has 2 parents, so no parent 3');
    expectFailure(await repo.run(['show', 'left^2x']), 1, "'x' is not a ~N or ^N step");
  });

  it('suggests the close name for a mistyped ref, and how to create an unknown --branch', async () => {
    expectFailure(
      await repo.run(['show', 'mian']),
      1,
      "ref not found: 'mian'",
      "did you mean 'main'?",
    );
    expectFailure(await repo.run(['log', 'mian~2']), 1, "did you mean 'main'?");
    const file = writeJsonLines(join(tmp.dir('edits'), 'unknown-branch.jsonl'), []);
    expectFailure(
      await repo.run(['import', 'labels', file, '--branch', 'mian']),
      1,
      "did you mean 'main'?",
      'create it with `verso branch create mian`',
    );
  });
});

describe('tags', () => {
  it('are never deleted', async () => {
    await repo.ok(['tag', 'create', 'keep', 'main']);
    const target = await repo.head('keep');
    expectFailure(await repo.run(['tag', 'delete', 'keep']), 1, 'tags never move');
    expectFailure(await repo.run(['branch', 'delete', 'keep']), 1, 'tags never move');
    expect(await repo.head('keep')).toBe(target);
    expectFailure(await repo.run(['tag', 'delete', 'nope']), 1, "ref not found: 'nope'");
  });
});
