/**
 * Reading labels of an older schema version as a newer one (layer: schema).
 *
 * `projectionTo(steps)` maps label content through the steps between two versions with the
 * default policies: renames and merges are applied on read, deprecations and ops that never
 * touch a label pass through. Any other op (a split, a removed class, a new required or
 * changed attribute, changed keypoints, a removed attribute) needs a human, so the projection
 * refuses up front and lists those blocking steps, whether or not the snapshot actually holds
 * labels they would touch: the answer depends only on the two versions.
 */
import type { LabelContent } from '../dataset/label-line.js';
import { migrateLabel, type PlannedStep } from './migrate-label.js';
import { describeStep, type MigrationStep } from './migration-steps.js';
import { defaultPolicy, touchesNoLabel } from './op-effects.js';

export type LabelMapper = (content: LabelContent) => LabelContent;

export type Projection =
  | { readonly ok: true; readonly map: LabelMapper; readonly identity: boolean }
  | { readonly ok: false; readonly blocking: readonly string[] };

export function projectionTo(steps: readonly MigrationStep[]): Projection {
  const blocking = steps.filter(
    (s) => defaultPolicy(s) === 'review' && !touchesNoLabel(s) && s.op.op !== 'deprecate_class',
  );
  if (blocking.length > 0) return { ok: false, blocking: blocking.map(describeStep) };
  const planned: PlannedStep[] = steps.map((s) => ({ ...s, policy: 'auto' }));
  const mapping = planned.filter((s) => !touchesNoLabel(s) && s.op.op !== 'deprecate_class');
  return {
    ok: true,
    identity: mapping.length === 0,
    map: (content) => migrateLabel(mapping, content).content,
  };
}
