/**
 * Errors across a thread boundary (`error-wire.ts`): an error posted through a real
 * `MessagePort` (the structured clone a worker's `postMessage` uses) as `toWireError` data comes
 * back from `fromWireError` with its code, category, message, data and name, and as its class
 * when the class is registered; posted as the error itself it would come back a plain `Error`.
 * Property-checked over every code and arbitrary JSON data.
 */
import fc from 'fast-check';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';
import { fromWireError, toWireError, type WireError } from './error-wire.js';
import { FormatParseError, VersoError, type ErrorCategory } from './errors.js';
import { IdTooLongError } from '../dataset/label-key.js';
import { MergeConflictError } from '../api/merge/merge-errors.js';

/** `value` as the other end of a message port receives it. */
function throughPort<T>(value: T): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  return new Promise<T>((resolve) => {
    port2.once('message', (m: T) => {
      port1.close();
      port2.close();
      resolve(m);
    });
    port1.postMessage(value);
  });
}

function expectSameError(back: Error, sent: VersoError): void {
  expect(back).toBeInstanceOf(VersoError);
  const v = back as VersoError;
  expect(v.code).toBe(sent.code);
  expect(v.category).toBe(sent.category);
  expect(v.message).toBe(sent.message);
  expect(v.name).toBe(sent.name);
  expect(v.data).toEqual(sent.data);
}

describe('errors across a message port', () => {
  it('a VersoError posted as itself loses its type (the fault this module fixes)', async () => {
    const back = await throughPort(new FormatParseError('f.jsonl', 3, 'bbox', 'expected 4'));
    expect(back).not.toBeInstanceOf(VersoError);
    expect((back as unknown as { code?: unknown }).code).toBeUndefined();
  });

  it('a generic error of core comes back as its own class', async () => {
    const sent = new FormatParseError('f.jsonl', 3, 'bbox', 'expected 4 numbers');
    const back = fromWireError(await throughPort(toWireError(sent)));
    expectSameError(back, sent);
    expect(back).toBeInstanceOf(FormatParseError);
    expect(back.message).toBe("f.jsonl:3 field 'bbox': expected 4 numbers");
  });

  it('a leaf error comes back as its class when the receiver registers it', async () => {
    const sent = new IdTooLongError('label', 'x'.repeat(2000));
    const wire = await throughPort(toWireError(sent));
    const back = fromWireError(wire, { ID_TOO_LONG: IdTooLongError });
    expectSameError(back, sent);
    expect(back).toBeInstanceOf(IdTooLongError);
  });

  it('an unregistered leaf error keeps code, category, data and name as a VersoError', async () => {
    const sent = new MergeConflictError('main', 2, 0);
    const back = fromWireError(await throughPort(toWireError(sent)));
    expectSameError(back, sent);
    expect(back).not.toBeInstanceOf(MergeConflictError);
    expect(back.name).toBe('MergeConflictError');
  });

  it('an error that is no VersoError stays a plain Error with its message', async () => {
    const back = fromWireError(await throughPort(toWireError(new RangeError('offset 9'))));
    expect(back).not.toBeInstanceOf(VersoError);
    expect(back.message).toBe('offset 9');
    expect(back.name).toBe('RangeError');
    expect(fromWireError(toWireError('a string')).message).toBe('a string');
  });

  it('a code or category this version does not know is not trusted', () => {
    const forged = { name: 'X', message: 'm', code: 'NO_SUCH_CODE', category: 'NotFound' };
    expect(fromWireError(forged as unknown as WireError)).not.toBeInstanceOf(VersoError);
    const badCategory = { name: 'X', message: 'm', code: 'CORRUPTION', category: 'Oops' };
    expect(fromWireError(badCategory as unknown as WireError)).not.toBeInstanceOf(VersoError);
  });

  it('data a port cannot copy is dropped, not a failed post', async () => {
    const sent = new VersoError('Internal', 'CATALOG_IO', 'm', { file: 'c', f: () => 1 });
    const wire = toWireError(sent);
    const back = fromWireError(await throughPort(wire)) as VersoError;
    expect(back.code).toBe('CATALOG_IO');
    expect(back.data).toEqual({ file: 'c' });
  });

  it('round-trips every code, category and JSON data (property)', async () => {
    const categories: ErrorCategory[] = [
      'NotFound',
      'AlreadyExists',
      'InvalidInput',
      'Conflict',
      'Corruption',
      'Internal',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ERROR_CODES),
        fc.constantFrom(...categories),
        fc.string(),
        fc.dictionary(fc.string(), fc.jsonValue()),
        async (code, category, message, data) => {
          const sent = new VersoError(category, code, message, data);
          expectSameError(fromWireError(await throughPort(toWireError(sent))), sent);
        },
      ),
      { numRuns: 200 },
    );
  });
});
