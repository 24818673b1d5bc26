/**
 * `--json` member names: Verso's camelCase members become snake_case at any depth; members
 * holding user data keep their keys as the user wrote them; non-camelCase names stay.
 */
import { describe, expect, it } from 'vitest';
import { snakeCase, snakeCaseJson } from './json-case.js';

describe('snakeCase', () => {
  it('renames lowerCamelCase, keeps everything else', () => {
    expect(snakeCase('exampleCount')).toBe('example_count');
    expect(snakeCase('blobsDeduplicated')).toBe('blobs_deduplicated');
    expect(snakeCase('sha256Hex')).toBe('sha256_hex');
    for (const same of ['id', 'annotated_at', 'mAP', 'IoU', 'Z', 'a1', '_x', 'file-name'])
      expect(snakeCase(same)).toBe(same);
  });
});

describe('snakeCaseJson', () => {
  it('renames nested members of objects and arrays', () => {
    expect(
      snakeCaseJson({
        runId: 'r',
        runs: [{ exampleSet: 'e', models: [{ predictionCount: 2 }] }],
        nothing: undefined,
      }),
    ).toEqual({ run_id: 'r', runs: [{ example_set: 'e', models: [{ prediction_count: 2 }] }] });
  });

  it('keeps the keys of user data: params, metrics, attributes, operations, label records', () => {
    const value = {
      datasetRef: 'main',
      params: { learningRate: '0.1' },
      metrics: { mAP: 0.5, topOne: 0.9 },
      classes: [{ attributes: { isOccluded: { type: 'boolean' } } }],
      operations: { op: 'merge', allowDuplicates: true },
      conflicts: [{ ours: { image: 'a', extraField: 1 }, theirs: null, base: { someKey: 2 } }],
      counts: { trainSmall: 3 },
    };
    expect(snakeCaseJson(value)).toEqual({ ...value, datasetRef: undefined, dataset_ref: 'main' });
  });

  it('leaves non-plain values to JSON.stringify', () => {
    const bytes = new Uint8Array([1, 2]);
    expect(snakeCaseJson({ vectorBytes: bytes })).toEqual({ vector_bytes: bytes });
    expect(snakeCaseJson([1, 'x', null, true])).toEqual([1, 'x', null, true]);
  });
});
