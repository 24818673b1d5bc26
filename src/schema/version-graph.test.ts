/**
 * Which version is in force at a date (`--at`), lineage paths, version names.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../core/errors.js';
import { SchemaProjectionError } from './schema-errors.js';
import {
  chainTo,
  checkVersionName,
  parseAtInstant,
  pathBetween,
  versionAt,
  type VersionNode,
} from './version-graph.js';

const V: VersionNode[] = [
  { name: '1.0', parent: null, createdAt: '2026-03-01T10:00:00.000Z' },
  { name: '1.1', parent: '1.0', createdAt: '2026-03-03T08:00:00.000Z' },
  { name: '2.0', parent: '1.1', createdAt: '2026-03-03T20:00:00.000Z' },
  { name: '1.1-fix', parent: '1.1', createdAt: '2026-03-10T00:00:00.000Z' },
];
const byName = new Map(V.map((v) => [v.name, v]));
const at = (s: string) => versionAt(V, parseAtInstant(s))?.name;

describe('--at', () => {
  it('picks the newest version created at or before the instant; a date means its end (UTC)', () => {
    expect(at('2026-02-28')).toBeUndefined();
    expect(at('2026-03-01')).toBe('1.0');
    expect(at('2026-03-02')).toBe('1.0');
    expect(at('2026-03-03T08:00:00Z')).toBe('1.1');
    expect(at('2026-03-03T19:59:59Z')).toBe('1.1');
    expect(at('2026-03-03')).toBe('2.0');
    expect(at('2026-12-31')).toBe('1.1-fix');
  });

  it('orders by creation time, not by list order, and breaks ties by creation order', () => {
    const odd = [V[2]!, V[0]!, { ...V[1]!, createdAt: V[2]!.createdAt }];
    expect(versionAt(odd, parseAtInstant('2026-03-04'))?.name).toBe('1.1');
  });

  it.each(['yesterday', '2026-3-3', '03/03/2026', ''])('refuses %j', (s) => {
    expect(() => parseAtInstant(s)).toThrow(InvalidArgumentError);
  });
});

describe('lineage', () => {
  it('chains from the root and finds the path to a descendant', () => {
    expect(chainTo(byName, '2.0').map((v) => v.name)).toEqual(['1.0', '1.1', '2.0']);
    expect(pathBetween(byName, '1.0', '2.0').map((v) => v.name)).toEqual(['1.1', '2.0']);
    expect(pathBetween(byName, '2.0', '2.0')).toEqual([]);
  });

  it('refuses to go backwards or sideways', () => {
    expect(() => pathBetween(byName, '2.0', '1.1')).toThrow(SchemaProjectionError);
    expect(() => pathBetween(byName, '2.0', '1.1-fix')).toThrow(/does not descend/);
  });

  it.each(['2.3', 'v2', 'coco-2017', '1.0+local'])('accepts version name %j', (n) => {
    expect(checkVersionName(n)).toBe(n);
  });
  it.each(['', '.2', 'a b', 'x/y', '1..2', 'a'.repeat(65)])('refuses version name %j', (n) => {
    expect(() => checkVersionName(n)).toThrow(InvalidArgumentError);
  });
});
