/**
 * The operation registry on its own: progress reaches live subscribers and is replayed to late
 * ones, a failure keeps the error a synchronous request would have got, operations are visible
 * only to their starter and admins of their repository, and finished operations are pruned
 * after their time (or beyond the count), their artifacts removed with them.
 */
import { describe, expect, it } from 'vitest';
import { VersoError } from '../../core/errors.js';
import type { Actor } from '../request-auth.js';
import { OperationRegistry, type OperationEvent } from './operation-registry.js';

const ann: Actor = { identity: 'ann', tokenName: 'ann-token', role: 'annotate' };
const bob: Actor = { identity: 'bob', tokenName: 'bob-token', role: 'review' };
const admin: Actor = { identity: 'root', tokenName: 'root-token', role: 'admin' };

/** A promise and its resolve function. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('OperationRegistry', () => {
  it('streams progress to live subscribers, replays it to late ones, and ends with done', async () => {
    const registry = new OperationRegistry();
    const step = gate();
    const view = registry.start({
      kind: 'gc',
      repository: 'r',
      actor: ann,
      work: async (progress) => {
        progress({ phase: 'mark', done: 1 });
        await step.opened;
        progress({ phase: 'mark', done: 2, total: 2 });
        return { result: { bytesAfter: 5 } };
      },
    });
    expect(view.state).toBe('running');
    const live: OperationEvent[] = [];
    registry.find('r', view.id, ann).subscribe((e) => live.push(e));
    step.open();
    await registry.close();
    expect(live.map((e) => e.type)).toEqual(['progress', 'progress', 'done']);
    expect(live[1]).toEqual({ type: 'progress', progress: { phase: 'mark', done: 2, total: 2 } });
    expect(live[2]).toMatchObject({ operation: { state: 'done', result: { bytes_after: 5 } } });
  });

  it('keeps a failure as the JSON error and status of the request', async () => {
    const registry = new OperationRegistry();
    const view = registry.start({
      kind: 'index-build',
      repository: 'r',
      actor: ann,
      work: async () => {
        throw new VersoError('NotFound', 'REF_NOT_FOUND', 'no ref nope', { refName: 'nope' });
      },
    });
    await new Promise((r) => setImmediate(r));
    const late: OperationEvent[] = [];
    registry.find('r', view.id, ann).subscribe((e) => late.push(e));
    expect(late).toEqual([
      {
        type: 'failed',
        operation: expect.objectContaining({
          state: 'failed',
          status: 404,
          error: {
            code: 'REF_NOT_FOUND',
            category: 'NotFound',
            message: 'no ref nope',
            data: { ref_name: 'nope' },
          },
        }),
      },
    ]);
  });

  it('shows an operation only to its starter and admins, in its repository', () => {
    const registry = new OperationRegistry();
    const view = registry.start({
      kind: 'export',
      repository: 'r',
      actor: ann,
      work: () => new Promise(() => {}),
    });
    expect(registry.find('r', view.id, ann).view().id).toBe(view.id);
    expect(registry.find('r', view.id, admin).view().id).toBe(view.id);
    expect(() => registry.find('r', view.id, bob)).toThrow(/no operation/);
    expect(() => registry.find('other', view.id, admin)).toThrow(/no operation/);
    expect(registry.list('r', bob)).toEqual([]);
    expect(registry.list('r', admin).map((o) => o.id)).toEqual([view.id]);
  });

  it('prunes finished operations after their time or beyond the count, removing artifacts', async () => {
    let now = 0;
    const disposed: string[] = [];
    const registry = new OperationRegistry({
      keepFinishedMs: 1000,
      maxFinished: 2,
      now: () => now,
    });
    const start = (name: string) =>
      registry.start({
        kind: 'export',
        repository: 'r',
        actor: ann,
        work: async () => ({
          result: { name },
          artifact: {
            contentType: 'application/json',
            fileName: `${name}.json`,
            bytes: async function* () {},
            dispose: async () => void disposed.push(name),
          },
        }),
      });
    const a = start('a');
    await new Promise((r) => setImmediate(r));
    now = 10;
    start('b');
    start('c');
    await new Promise((r) => setImmediate(r));
    start('d'); // a, b and c are finished: only the 2 newest are kept
    await new Promise((r) => setImmediate(r));
    expect(disposed).toEqual(['a']);
    expect(() => registry.find('r', a.id, ann)).toThrow(/no operation/);
    now = 2000;
    expect(registry.list('r', ann)).toEqual([]);
    expect(disposed.sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
