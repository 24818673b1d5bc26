/**
 * The ops between two schema versions, flattened into numbered steps (layer: schema).
 *
 * A migration or a read-side projection from version A to a descendant B replays the deltas
 * of every version after A up to B, in order. Each step knows its op, the version that
 * introduced it, and the class names just before and after it (a label may name its class by
 * `category` only, and a merge writes the target's name as it is at that point).
 */
import type { DeltaOp } from './delta-ops.js';
import type { Taxonomy } from './taxonomy.js';

export interface VersionDelta {
  readonly version: string;
  /** The taxonomy of the version's parent (the delta's starting point). */
  readonly parent: Taxonomy;
  readonly ops: readonly DeltaOp[];
}

export interface MigrationStep {
  /** 0-based position among all steps: what a policy file and `--dry-run` call op N. */
  readonly index: number;
  readonly version: string;
  readonly op: DeltaOp;
  readonly namesBefore: ReadonlyMap<number, string>;
  readonly namesAfter: ReadonlyMap<number, string>;
  /** The class id a name meant just before the op. */
  readonly idsBefore: ReadonlyMap<string, number>;
}

export function migrationSteps(path: readonly VersionDelta[]): MigrationStep[] {
  const steps: MigrationStep[] = [];
  for (const d of path) {
    let names = new Map(d.parent.classes.map((c) => [c.id, c.name]));
    for (const op of d.ops) {
      const after = namesAfterOp(names, op);
      steps.push({
        index: steps.length,
        version: d.version,
        op,
        namesBefore: names,
        namesAfter: after,
        idsBefore: new Map([...names].map(([id, name]) => [name, id])),
      });
      names = after;
    }
  }
  return steps;
}

function namesAfterOp(names: ReadonlyMap<number, string>, op: DeltaOp): Map<number, string> {
  const next = new Map(names);
  switch (op.op) {
    case 'add_class':
      next.set(op.class.id, op.class.name);
      break;
    case 'rename_class':
      next.set(op.id, op.to);
      break;
    case 'remove_class':
      next.delete(op.id);
      break;
    case 'merge_classes':
      for (const id of op.from) next.delete(id);
      break;
    case 'split_class':
      if (!op.into.includes(op.id)) next.delete(op.id);
      break;
    default:
      break;
  }
  return next;
}

/** `2.1 op 3: split_class 3 'vehicle' into 5 'car', 6 'truck'` */
export function describeStep(s: MigrationStep): string {
  const before = (id: number) => `${id} '${s.namesBefore.get(id) ?? '?'}'`;
  const after = (id: number) => `${id} '${s.namesAfter.get(id) ?? s.namesBefore.get(id) ?? '?'}'`;
  const op = s.op;
  const what = ((): string => {
    switch (op.op) {
      case 'add_class':
        return `add_class ${after(op.class.id)}`;
      case 'rename_class':
        return `rename_class ${op.id} '${op.from ?? s.namesBefore.get(op.id)}' -> '${op.to}'`;
      case 'update_class':
        return `update_class ${before(op.id)} ${op.field}`;
      case 'remove_class':
      case 'deprecate_class':
      case 'restore_class':
        return `${op.op} ${before(op.id)}`;
      case 'merge_classes':
        return `merge_classes ${op.from.map(before).join(', ')} into ${after(op.into)}`;
      case 'split_class':
        return `split_class ${before(op.id)} into ${op.into.map(after).join(', ')}${op.default !== undefined ? ` (default ${op.default})` : ''}`;
      case 'add_attribute':
      case 'remove_attribute':
      case 'change_attribute':
        return `${op.op} '${op.name}' of ${before(op.class)}`;
    }
  })();
  return `${s.version} op ${s.index}: ${what}`;
}
