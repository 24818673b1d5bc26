/**
 * The standard commit-time maintainers are loaded by their first commit; their names and order
 * are those of the maintainer modules they stand for.
 */
import { describe, expect, it } from 'vitest';
import { blameMaintainer } from '../blame/blame-maintain.js';
import { treeIndexMaintainer } from '../query/tree-index-maintain.js';
import { STANDARD_MAINTAINERS } from './compose.js';

describe('STANDARD_MAINTAINERS', () => {
  it('stand for the secondary indexes, then blame', () => {
    expect(STANDARD_MAINTAINERS.map((m) => m.name)).toEqual([
      treeIndexMaintainer.name,
      blameMaintainer.name,
    ]);
  });
});
