/**
 * Schema delta ops: how one schema version differs from its parent (layer: schema).
 *
 * A delta is an ordered list of ops; `applyDelta` (delta.ts) replays it. Class ops: add,
 * remove, rename (same id, new name), update one of `parent`/`keypoints`/`skeleton`,
 * deprecate/restore, merge (classes `from` become class `into`, which must exist by then),
 * split (class `id` is replaced by classes `into`, optionally naming the `default` target that
 * an `auto` migration maps to). Attribute ops: add, remove, change (new spec). Ops that carry
 * the previous state (`from` of rename/update/change) are checked against it when applied;
 * stored deltas always carry it. `parseDeltaOps` reads ops from untyped JSON/YAML.
 */
import { SchemaInvalidError } from './schema-errors.js';
import {
  describe,
  onlyFields,
  readArray,
  readId,
  readIds,
  readName,
  readObject,
  type Fields,
} from './field-readers.js';
import { parseAttributeSpec, parseClass } from './taxonomy-parse.js';
import { CLASS_FIELDS, type AttributeSpec, type ClassField, type SchemaClass } from './taxonomy.js';

export type ClassFieldValue = SchemaClass[ClassField];

export type DeltaOp =
  | { readonly op: 'add_class'; readonly class: SchemaClass }
  | { readonly op: 'remove_class'; readonly id: number }
  | {
      readonly op: 'rename_class';
      readonly id: number;
      readonly from?: string;
      readonly to: string;
    }
  | {
      readonly op: 'update_class';
      readonly id: number;
      readonly field: ClassField;
      readonly from?: ClassFieldValue | null;
      readonly to: ClassFieldValue | null;
    }
  | { readonly op: 'deprecate_class'; readonly id: number }
  | { readonly op: 'restore_class'; readonly id: number }
  | { readonly op: 'merge_classes'; readonly from: readonly number[]; readonly into: number }
  | {
      readonly op: 'split_class';
      readonly id: number;
      readonly into: readonly number[];
      readonly default?: number;
    }
  | {
      readonly op: 'add_attribute';
      readonly class: number;
      readonly name: string;
      readonly spec: AttributeSpec;
    }
  | { readonly op: 'remove_attribute'; readonly class: number; readonly name: string }
  | {
      readonly op: 'change_attribute';
      readonly class: number;
      readonly name: string;
      readonly from?: AttributeSpec;
      readonly to: AttributeSpec;
    };

export type DeltaOpKind = DeltaOp['op'];

export const DELTA_OP_KINDS: readonly DeltaOpKind[] = [
  'add_class',
  'remove_class',
  'rename_class',
  'update_class',
  'deprecate_class',
  'restore_class',
  'merge_classes',
  'split_class',
  'add_attribute',
  'remove_attribute',
  'change_attribute',
];

/** A list of ops; `at` is the path of the list (`ops`, `delta`). */
export function parseDeltaOps(v: unknown, at = 'ops'): DeltaOp[] {
  return readArray(v, at).map((op, i) => parseDeltaOp(op, `${at}[${i}]`));
}

export function parseDeltaOp(v: unknown, at: string): DeltaOp {
  const o = readObject(v, at);
  const kind = o['op'];
  const only = (...names: string[]) => onlyFields(o, ['op', ...names], at);
  const id = () => readId(o['id'], `${at}.id`);
  const cls = () => readId(o['class'], `${at}.class`);
  const name = () => readName(o['name'], `${at}.name`);
  switch (kind) {
    case 'add_class':
      only('class');
      return { op: kind, class: parseClass(o['class'], `${at}.class`) };
    case 'remove_class':
    case 'deprecate_class':
    case 'restore_class':
      only('id');
      return { op: kind, id: id() };
    case 'rename_class':
      only('id', 'from', 'to');
      return {
        op: kind,
        id: id(),
        ...(o['from'] !== undefined ? { from: readName(o['from'], `${at}.from`) } : {}),
        to: readName(o['to'], `${at}.to`),
      };
    case 'update_class':
      only('id', 'field', 'from', 'to');
      return parseUpdate(o, id(), at);
    case 'merge_classes': {
      only('from', 'into');
      const from = readIds(o['from'], `${at}.from`);
      const into = readId(o['into'], `${at}.into`);
      if (from.includes(into))
        throw new SchemaInvalidError(`${at}.from`, `cannot merge class ${into} into itself`);
      return { op: kind, from, into };
    }
    case 'split_class': {
      only('id', 'into', 'default');
      const into = readIds(o['into'], `${at}.into`, 2);
      const dflt = o['default'] == null ? undefined : readId(o['default'], `${at}.default`);
      if (dflt !== undefined && !into.includes(dflt))
        throw new SchemaInvalidError(`${at}.default`, `must be one of the split's targets`);
      return { op: kind, id: id(), into, ...(dflt !== undefined ? { default: dflt } : {}) };
    }
    case 'add_attribute':
      only('class', 'name', 'spec');
      return {
        op: kind,
        class: cls(),
        name: name(),
        spec: parseAttributeSpec(o['spec'], `${at}.spec`),
      };
    case 'remove_attribute':
      only('class', 'name');
      return { op: kind, class: cls(), name: name() };
    case 'change_attribute':
      only('class', 'name', 'from', 'to');
      return {
        op: kind,
        class: cls(),
        name: name(),
        ...(o['from'] !== undefined ? { from: parseAttributeSpec(o['from'], `${at}.from`) } : {}),
        to: parseAttributeSpec(o['to'], `${at}.to`),
      };
    default:
      throw new SchemaInvalidError(
        `${at}.op`,
        `unknown op ${describe(kind)} (expected one of ${DELTA_OP_KINDS.join(', ')})`,
      );
  }
}

function parseUpdate(o: Fields, id: number, at: string): DeltaOp {
  const field = o['field'];
  if (typeof field !== 'string' || !(CLASS_FIELDS as readonly string[]).includes(field))
    throw new SchemaInvalidError(`${at}.field`, `expected one of ${CLASS_FIELDS.join(', ')}`);
  const f = field as ClassField;
  // Read a value through parseClass so update_class accepts exactly what a class does.
  const value = (v: unknown, where: string): ClassFieldValue | null => {
    if (v === null) return null;
    try {
      const c = parseClass(
        {
          id: Number.MAX_SAFE_INTEGER,
          name: 'x',
          keypoints: f === 'skeleton' ? [] : undefined,
          [f]: v,
        },
        where,
      );
      return c[f] ?? null;
    } catch (e) {
      if (e instanceof SchemaInvalidError)
        throw new SchemaInvalidError(where, (e.data as { why: string }).why);
      throw e;
    }
  };
  return {
    op: 'update_class',
    id,
    field: f,
    ...(o['from'] !== undefined ? { from: value(o['from'], `${at}.from`) } : {}),
    to: value(o['to'], `${at}.to`),
  };
}
