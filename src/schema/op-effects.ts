/**
 * What each delta op does to a label (layer: schema).
 *
 * `affects(step, content)`: whether the op concerns this label (by its class at that point,
 * and for attribute ops by its attribute values). `autoMap`: the deterministic rewrite an
 * `auto` policy applies; only some ops have one (`canAuto`):
 * - rename_class: `category` becomes the new name;
 * - merge_classes: `category_id`/`category` become the target's;
 * - split_class with a `default`: mapped to the default target like a merge;
 * - remove_attribute: the attribute is dropped from `attributes`;
 * - deprecate_class: nothing is rewritten (old labels stay valid to read);
 * - ops that never touch a label (add_class, restore_class, update_class of parent/skeleton,
 *   add_attribute of an optional attribute) are trivially auto.
 * remove_class, split without default, update_class of keypoints, a new required attribute
 * and change_attribute have no deterministic mapping: review only.
 * Default policy: rename and merge auto, everything else that can touch a label review
 * (DESIGN.md §4); ops that never touch a label are auto (there is nothing to review).
 */
import type { JsonValue } from '../core/canonical.js';
import type { LabelContent } from '../dataset/label-line.js';
import { conforms } from './label-validator.js';
import type { MigrationStep } from './migration-steps.js';

export type Policy = 'auto' | 'review';

export function defaultPolicy(step: MigrationStep): Policy {
  const op = step.op.op;
  return op === 'rename_class' || op === 'merge_classes' || touchesNoLabel(step)
    ? 'auto'
    : 'review';
}

/** Ops that can never change or invalidate a label. */
export function touchesNoLabel(step: MigrationStep): boolean {
  const op = step.op;
  switch (op.op) {
    case 'add_class':
    case 'restore_class':
      return true;
    case 'update_class':
      return op.field !== 'keypoints';
    case 'add_attribute':
      return !op.spec.required;
    default:
      return false;
  }
}

export function canAuto(step: MigrationStep): boolean {
  const op = step.op;
  if (touchesNoLabel(step)) return true;
  switch (op.op) {
    case 'rename_class':
    case 'merge_classes':
    case 'remove_attribute':
    case 'deprecate_class':
      return true;
    case 'split_class':
      return op.default !== undefined;
    default:
      return false;
  }
}

/** The label's class id just before the step (by `category_id`, else by `category`). */
function classOf(step: MigrationStep, content: LabelContent): number | undefined {
  const id = content['category_id'];
  if (typeof id === 'number') return id;
  const name = content['category'];
  return typeof name === 'string' ? step.idsBefore.get(name) : undefined;
}

function attributesOf(content: LabelContent): { readonly [k: string]: JsonValue } {
  const a = content['attributes'];
  return a && typeof a === 'object' && !Array.isArray(a) ? a : {};
}

export function affects(step: MigrationStep, content: LabelContent): boolean {
  if (touchesNoLabel(step)) return false;
  const op = step.op;
  const cls = classOf(step, content);
  if (cls === undefined) return false;
  switch (op.op) {
    case 'remove_class':
    case 'rename_class':
    case 'deprecate_class':
    case 'split_class':
      return cls === op.id;
    case 'update_class':
      return cls === op.id && content['keypoints'] !== undefined;
    case 'merge_classes':
      return op.from.includes(cls);
    case 'add_attribute': {
      const v = attributesOf(content)[op.name];
      return cls === op.class && (v === undefined || v === null);
    }
    case 'remove_attribute':
      return cls === op.class && attributesOf(content)[op.name] !== undefined;
    case 'change_attribute': {
      if (cls !== op.class) return false;
      const v = attributesOf(content)[op.name];
      return v === undefined || v === null ? Boolean(op.to.required) : !conforms(op.to, v);
    }
    default:
      return false;
  }
}

/** The rewritten content under `auto` (only for ops where `canAuto`; the label is affected). */
export function autoMap(step: MigrationStep, content: LabelContent): LabelContent {
  const op = step.op;
  switch (op.op) {
    case 'rename_class':
      return 'category' in content ? { ...content, category: op.to } : content;
    case 'merge_classes':
      return reclass(step, content, op.into);
    case 'split_class':
      return op.default === undefined ? content : reclass(step, content, op.default);
    case 'remove_attribute': {
      const attributes = { ...attributesOf(content) };
      delete attributes[op.name];
      return { ...content, attributes };
    }
    default:
      return content;
  }
}

function reclass(step: MigrationStep, content: LabelContent, into: number): LabelContent {
  const out: { [k: string]: JsonValue } = { ...content };
  if ('category_id' in content || !('category' in content)) out['category_id'] = into;
  if ('category' in content) out['category'] = step.namesAfter.get(into) ?? null;
  return out;
}
