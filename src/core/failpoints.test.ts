/**
 * Failpoints: inert until armed, then only the armed name runs its action; every name is known
 * and unique.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  FAILPOINTS,
  armFailpoint,
  disarmFailpoints,
  failpoint,
  isFailpointName,
} from './failpoints.js';

describe('failpoints', () => {
  afterEach(disarmFailpoints);

  it('do nothing until armed, then run the action at the armed one only', () => {
    const hits: string[] = [];
    for (const name of FAILPOINTS) failpoint(name);
    armFailpoint('before-ref-cas', () => hits.push('fired'));
    for (const name of FAILPOINTS) failpoint(name);
    expect(hits).toEqual(['fired']);
    disarmFailpoints();
    failpoint('before-ref-cas');
    expect(hits).toEqual(['fired']);
  });

  it('names are known and unique', () => {
    expect(new Set(FAILPOINTS).size).toBe(FAILPOINTS.length);
    expect(isFailpointName('after-ref-cas')).toBe(true);
    expect(isFailpointName('after-ref-cass')).toBe(false);
  });
});
