/**
 * vitest setup file, run in every test file: the file fails if it ran no test, or if any of its
 * tests or suites was skipped or left as a todo (`it.skip`, `describe.skip`, `it.todo`,
 * `skipIf`, a runtime `ctx.skip()`). A committed `.only` is refused by `allowOnly: false` in
 * vitest.config.ts, and eslint rejects the skipping calls in the source. A test that may not run
 * is not a test: make it run, or delete it.
 */
import { afterAll } from 'vitest';

interface TaskLike {
  readonly type: string;
  readonly name: string;
  readonly mode: string;
  readonly result?: { readonly state?: string };
  readonly tasks?: readonly TaskLike[];
}

function* testsOf(task: TaskLike): Generator<TaskLike> {
  if (task.type === 'test') yield task;
  for (const t of task.tasks ?? []) yield* testsOf(t);
}

function* notRun(task: TaskLike, path: readonly string[]): Generator<string> {
  const here = task.type === 'suite' || task.type === 'test' ? [...path, task.name] : path;
  const skipped = task.mode === 'skip' || task.mode === 'todo' || task.result?.state === 'skip';
  if (skipped && (task.type === 'test' || task.type === 'suite')) {
    yield `${here.join(' > ')} (${task.mode === 'todo' ? 'todo' : 'skipped'})`;
    return;
  }
  for (const t of task.tasks ?? []) yield* notRun(t, here);
}

afterAll((file) => {
  const root = file as unknown as TaskLike;
  const tests = [...testsOf(root)];
  if (tests.length === 0) throw new Error('this test file has no tests');
  const skipped = [...notRun(root, [])];
  if (skipped.length > 0)
    throw new Error(`tests that did not run (no skipped tests are allowed): ${skipped.join('; ')}`);
});
