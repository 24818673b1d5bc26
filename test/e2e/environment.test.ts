/**
 * The environment reaches the API only through the CLI (`cli/context.ts`): `VERSO_AUTHOR` and
 * `VERSO_COMMIT_TIME` stamp `init`'s root commit as they stamp every other commit, and an
 * invalid `VERSO_COMMIT_TIME` fails the write that needs it (exit 1, naming the variable,
 * nothing moved) while reads, which stamp nothing, still work.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { expectFailure, expectOk, TestRepo, useTempRoot, verso } from './helpers.js';

const tmp = useTempRoot('environment');

it('init takes its author and time from the environment', async () => {
  const root = join(tmp.root(), 'stamped');
  const env = { VERSO_AUTHOR: 'init-bot', VERSO_COMMIT_TIME: '2026-02-03T04:05:06Z' };
  expectOk(await verso(['init', root, '--json'], { env }));
  const show = await new TestRepo(root).show();
  expect(show).toMatchObject({ author: 'init-bot', time: '2026-02-03T04:05:06.000Z' });
});

it('an invalid VERSO_COMMIT_TIME fails the write that needs it, not the reads', async () => {
  const root = join(tmp.root(), 'invalid-time');
  expectOk(await verso(['init', root, '--json']));
  const repo = new TestRepo(root);
  const head = await repo.head();
  const env = { VERSO_COMMIT_TIME: 'soon' };
  const file = join(tmp.dir('data'), 'one.jsonl');
  writeFileSync(file, JSON.stringify({ image: 'a', label: '1', category: 'car' }) + '\n');
  expectFailure(await repo.run(['import', 'labels', file], { env }), 1, 'VERSO_COMMIT_TIME');
  expect(await repo.head()).toBe(head);
  expectOk(await repo.run(['log', 'main'], { env }));
});
