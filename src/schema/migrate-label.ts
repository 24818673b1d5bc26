/**
 * Migrating one label through a list of steps under chosen policies (layer: schema).
 *
 * `resolvePolicies` picks each step's policy: an override by step index ("3") wins over one by
 * op kind ("split_class"), which wins over the default; `auto` on an op without a
 * deterministic mapping is refused. `migrateLabel` runs the steps in order on the label's
 * evolving content: an affected step under `auto` rewrites it, under `review` leaves it as it
 * is and adds a reason; the result says which steps hit the label.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { LabelContent } from '../dataset/label-line.js';
import { DELTA_OP_KINDS } from './delta-ops.js';
import { describeStep, type MigrationStep } from './migration-steps.js';
import { affects, autoMap, canAuto, defaultPolicy, type Policy } from './op-effects.js';

export interface PlannedStep extends MigrationStep {
  readonly policy: Policy;
}

export type PolicyOverrides = Readonly<Record<string, unknown>>;

export function resolvePolicies(
  steps: readonly MigrationStep[],
  overrides: PolicyOverrides = {},
): PlannedStep[] {
  for (const [key, value] of Object.entries(overrides)) {
    const isIndex = /^\d+$/.test(key) && Number(key) < steps.length;
    if (!isIndex && !(DELTA_OP_KINDS as readonly string[]).includes(key))
      throw new InvalidArgumentError(
        'policy key',
        key,
        `expected an op index (0..${steps.length - 1}) or an op kind (${DELTA_OP_KINDS.join(', ')})`,
      );
    if (value !== 'auto' && value !== 'review')
      throw new InvalidArgumentError(`policy for ${key}`, value, 'expected "auto" or "review"');
  }
  return steps.map((step) => {
    const chosen = (overrides[String(step.index)] ?? overrides[step.op.op]) as Policy | undefined;
    const policy = chosen ?? defaultPolicy(step);
    if (policy === 'auto' && !canAuto(step))
      throw new InvalidArgumentError(
        `policy for op ${step.index}`,
        'auto',
        `${describeStep(step)} has no deterministic mapping of labels; use review`,
      );
    return { ...step, policy };
  });
}

export interface MigratedLabel {
  readonly content: LabelContent;
  /** Whether an auto step rewrote the content. */
  readonly rewritten: boolean;
  /** Why the label needs a review (empty: it does not). */
  readonly reasons: readonly string[];
  /** Indices of the steps that affected the label. */
  readonly hits: readonly number[];
}

export function migrateLabel(steps: readonly PlannedStep[], content: LabelContent): MigratedLabel {
  let current = content;
  let rewritten = false;
  const reasons: string[] = [];
  const hits: number[] = [];
  for (const step of steps) {
    if (!affects(step, current)) continue;
    hits.push(step.index);
    if (step.policy === 'review') {
      reasons.push(describeStep(step));
      continue;
    }
    const next = autoMap(step, current);
    if (next !== current) rewritten = true;
    current = next;
  }
  return { content: current, rewritten, reasons, hits };
}
