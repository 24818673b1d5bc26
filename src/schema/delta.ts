/**
 * Applying and computing schema deltas (layer: schema).
 *
 * `applyDelta(parent, ops)` replays ops in order on a working copy, checking each against the
 * state it meets (the class exists, `from` matches, merge/split targets exist), then checks the
 * result as a whole (`makeTaxonomy`). It returns the child taxonomy and the ops completed with
 * the previous state they replaced (what gets stored). `computeDelta(parent, child)` gives ops
 * that `applyDelta` turns `parent` into exactly `child`: renames are found by same id + new
 * name; merges and splits cannot be inferred from two class lists (see delta-hints.ts). Order:
 * added classes, then per class (by id) rename, field updates, deprecate/restore and attribute
 * ops (by name), then removed classes.
 */
import { SchemaInvalidError } from './schema-errors.js';
import type { ClassFieldValue, DeltaOp } from './delta-ops.js';
import {
  canonicalText,
  CLASS_FIELDS,
  EMPTY_TAXONOMY,
  makeTaxonomy,
  normalClass,
  type AttributeSpec,
  type SchemaClass,
  type Taxonomy,
} from './taxonomy.js';

export interface AppliedDelta {
  readonly taxonomy: Taxonomy;
  /** The ops, each with the previous state it replaced. */
  readonly ops: readonly DeltaOp[];
}

type Working = Map<number, SchemaClass>;

export function applyDelta(
  parent: Taxonomy,
  ops: readonly DeltaOp[],
  at: (i: number) => string = (i) => `ops[${i}]`,
): AppliedDelta {
  const work: Working = new Map(parent.classes.map((c) => [c.id, c]));
  const done = ops.map((op, i) => applyOp(work, op, at(i)));
  const classes = [...work.values()];
  const taxonomy = makeTaxonomy(classes, (i) => `result of the delta: class ${classes[i]!.id}`);
  return { taxonomy, ops: done };
}

/** Replays a chain of deltas from the empty schema. */
export function replayDeltas(deltas: readonly (readonly DeltaOp[])[]): Taxonomy {
  return deltas.reduce((t, ops) => applyDelta(t, ops).taxonomy, EMPTY_TAXONOMY);
}

const same = (a: unknown, b: unknown) => canonicalText(a ?? null) === canonicalText(b ?? null);

function need(work: Working, id: number, at: string): SchemaClass {
  const c = work.get(id);
  if (!c) throw new SchemaInvalidError(at, `no class with id ${id} at this point of the delta`);
  return c;
}

function checkFrom(actual: unknown, given: unknown, at: string): void {
  if (given !== undefined && !same(actual, given))
    throw new SchemaInvalidError(
      `${at}.from`,
      `expected the current value ${canonicalText(actual ?? null)}`,
    );
}

function withAttributes(c: SchemaClass, attrs: Record<string, AttributeSpec>): SchemaClass {
  return normalClass({ ...c, attributes: attrs });
}

function applyOp(work: Working, op: DeltaOp, at: string): DeltaOp {
  switch (op.op) {
    case 'add_class':
      if (work.has(op.class.id))
        throw new SchemaInvalidError(`${at}.class.id`, `class id ${op.class.id} already exists`);
      work.set(op.class.id, normalClass(op.class));
      return op;
    case 'remove_class':
      need(work, op.id, `${at}.id`);
      work.delete(op.id);
      return op;
    case 'rename_class': {
      const c = need(work, op.id, `${at}.id`);
      checkFrom(c.name, op.from, at);
      if (c.name === op.to)
        throw new SchemaInvalidError(`${at}.to`, `class ${op.id} is already named '${op.to}'`);
      work.set(op.id, { ...c, name: op.to });
      return { ...op, from: c.name };
    }
    case 'update_class': {
      const c = need(work, op.id, `${at}.id`);
      checkFrom(c[op.field], op.from, at);
      const next = { ...c } as Record<string, unknown>;
      if (op.to === null) delete next[op.field];
      else next[op.field] = op.to;
      work.set(op.id, normalClass(next as unknown as SchemaClass));
      return { ...op, from: (c[op.field] ?? null) as ClassFieldValue | null };
    }
    case 'deprecate_class':
    case 'restore_class': {
      const c = need(work, op.id, `${at}.id`);
      const deprecate = op.op === 'deprecate_class';
      if (Boolean(c.deprecated) === deprecate)
        throw new SchemaInvalidError(
          `${at}.id`,
          `class ${op.id} is ${deprecate ? 'already' : 'not'} deprecated`,
        );
      work.set(
        op.id,
        normalClass({ ...c, deprecated: deprecate ? true : undefined } as SchemaClass),
      );
      return op;
    }
    case 'merge_classes':
      need(work, op.into, `${at}.into`);
      for (const id of op.from) need(work, id, `${at}.from`);
      for (const id of op.from) work.delete(id);
      return op;
    case 'split_class':
      need(work, op.id, `${at}.id`);
      for (const id of op.into) need(work, id, `${at}.into`);
      if (!op.into.includes(op.id)) work.delete(op.id);
      return op;
    case 'add_attribute':
    case 'remove_attribute':
    case 'change_attribute':
      return applyAttributeOp(work, op, at);
  }
}

function applyAttributeOp(
  work: Working,
  op: Extract<DeltaOp, { op: 'add_attribute' | 'remove_attribute' | 'change_attribute' }>,
  at: string,
): DeltaOp {
  const c = need(work, op.class, `${at}.class`);
  const attrs: Record<string, AttributeSpec> = { ...c.attributes };
  const old = attrs[op.name];
  if (op.op === 'add_attribute') {
    if (old)
      throw new SchemaInvalidError(
        `${at}.name`,
        `class ${op.class} already has attribute '${op.name}'`,
      );
    attrs[op.name] = op.spec;
  } else if (!old) {
    throw new SchemaInvalidError(`${at}.name`, `class ${op.class} has no attribute '${op.name}'`);
  } else if (op.op === 'remove_attribute') {
    delete attrs[op.name];
  } else {
    checkFrom(old, op.from, at);
    if (same(old, op.to))
      throw new SchemaInvalidError(`${at}.to`, 'the attribute already has this spec');
    attrs[op.name] = op.to;
  }
  work.set(op.class, withAttributes(c, attrs));
  return op.op === 'change_attribute' ? { ...op, from: old } : op;
}

/** Ops that turn `parent` into `child` (see the module comment for their order). */
export function computeDelta(parent: Taxonomy, child: Taxonomy): DeltaOp[] {
  const before = new Map(parent.classes.map((c) => [c.id, c]));
  const after = new Map(child.classes.map((c) => [c.id, c]));
  const ops: DeltaOp[] = [];
  for (const c of child.classes) if (!before.has(c.id)) ops.push({ op: 'add_class', class: c });
  for (const c of child.classes) {
    const p = before.get(c.id);
    if (p) ops.push(...classChanges(p, c));
  }
  for (const p of parent.classes) if (!after.has(p.id)) ops.push({ op: 'remove_class', id: p.id });
  return ops;
}

function classChanges(p: SchemaClass, c: SchemaClass): DeltaOp[] {
  const ops: DeltaOp[] = [];
  if (p.name !== c.name) ops.push({ op: 'rename_class', id: c.id, from: p.name, to: c.name });
  for (const field of CLASS_FIELDS) {
    if (!same(p[field], c[field]))
      ops.push({
        op: 'update_class',
        id: c.id,
        field,
        from: p[field] ?? null,
        to: c[field] ?? null,
      });
  }
  if (!p.deprecated && c.deprecated) ops.push({ op: 'deprecate_class', id: c.id });
  if (p.deprecated && !c.deprecated) ops.push({ op: 'restore_class', id: c.id });
  const pa = p.attributes ?? {};
  const ca = c.attributes ?? {};
  const names = [...new Set([...Object.keys(pa), ...Object.keys(ca)])].sort();
  for (const name of names) {
    const from = pa[name];
    const to = ca[name];
    if (from && !to) ops.push({ op: 'remove_attribute', class: c.id, name });
    else if (!from && to) ops.push({ op: 'add_attribute', class: c.id, name, spec: to });
    else if (from && to && !same(from, to))
      ops.push({ op: 'change_attribute', class: c.id, name, from, to });
  }
  return ops;
}
