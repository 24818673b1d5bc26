/**
 * The delta of a new schema version from what a schema file gives (layer: schema).
 *
 * A file gives the resulting `classes`, an explicit `ops` list, or both:
 * - classes only: the delta is `computeDelta(parent, classes)` (renames by same id);
 * - ops only: the ops are the delta, and the classes are what they produce;
 * - both: the ops come first and win (this is how merges and splits are said: they cannot be
 *   inferred from two class lists); a merge or split target that the parent lacks is added
 *   from `classes` just before the op; whatever else differs between the ops' result and
 *   `classes` is computed and appended. The ops must agree with `classes`: a merged-away or
 *   split class may not reappear in `classes`.
 */
import { SchemaInvalidError } from './schema-errors.js';
import { applyDelta, computeDelta, type AppliedDelta } from './delta.js';
import type { DeltaOp } from './delta-ops.js';
import type { Taxonomy } from './taxonomy.js';

export function deltaFromFile(
  parent: Taxonomy,
  classes: Taxonomy | undefined,
  ops: readonly DeltaOp[] | undefined,
): AppliedDelta {
  if (!ops) {
    if (!classes) throw new SchemaInvalidError('classes', 'a schema file needs classes or ops');
    return applyDelta(parent, computeDelta(parent, classes));
  }
  if (!classes) return applyDelta(parent, ops);
  const wanted = new Map(classes.classes.map((c) => [c.id, c]));
  const out: DeltaOp[] = [];
  let current = parent;
  const push = (op: DeltaOp, at: string) => {
    const step = applyDelta(current, [op], () => at);
    current = step.taxonomy;
    out.push(...step.ops);
  };
  ops.forEach((op, i) => {
    const at = `ops[${i}]`;
    checkAgainstClasses(op, wanted, at);
    for (const target of targetsOf(op)) {
      if (current.classes.some((c) => c.id === target)) continue;
      const c = wanted.get(target);
      if (!c)
        throw new SchemaInvalidError(
          at,
          `target class ${target} is neither in the parent nor in classes`,
        );
      push({ op: 'add_class', class: c }, at);
    }
    push(op, at);
  });
  for (const op of computeDelta(current, classes)) push(op, 'classes');
  return { taxonomy: current, ops: out };
}

function targetsOf(op: DeltaOp): readonly number[] {
  if (op.op === 'merge_classes') return [op.into];
  if (op.op === 'split_class') return op.into;
  return [];
}

function checkAgainstClasses(op: DeltaOp, wanted: ReadonlyMap<number, unknown>, at: string): void {
  const gone =
    op.op === 'merge_classes'
      ? op.from
      : op.op === 'split_class' && !op.into.includes(op.id)
        ? [op.id]
        : [];
  for (const id of gone)
    if (wanted.has(id))
      throw new SchemaInvalidError(
        `${at}.${op.op === 'merge_classes' ? 'from' : 'id'}`,
        `class ${id} is ${op.op === 'merge_classes' ? 'merged' : 'split'} away but still listed in classes`,
      );
}
