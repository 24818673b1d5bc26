/**
 * Does a label's content conform to a schema version? (layer: schema)
 *
 * `makeLabelValidator(taxonomy, version)` returns a check that every writer (native import,
 * apply, and the format importers) runs on each label's content; it gives the first problem as
 * `{field, why}` or null. Rules: the class is named by `category_id` and/or `category` (both:
 * they must name the same class); it exists and is not deprecated; every required attribute is
 * present in `attributes`; a declared attribute has the right type (enum: one of the values);
 * keypoints of a class with named keypoints hold 3 numbers per keypoint. Attributes the class
 * does not declare are free-form and pass. The check does no allocation on a valid label.
 */
import type { JsonValue } from '../core/canonical.js';
import type { LabelContent } from '../dataset/label-line.js';
import { describe } from './field-readers.js';
import type { AttributeSpec, SchemaClass, Taxonomy } from './taxonomy.js';

export interface LabelProblem {
  readonly field: string;
  readonly why: string;
  /**
   * The write policy that would let the label through (`allowUnknownImages`, `clip`), when one
   * would: a surface names its own option for it (the error's `data.remedy`).
   */
  readonly remedy?: 'allowUnknownImages' | 'clip';
}

/** The `data` a problem adds to the error that reports it (its `remedy`, if any). */
export function problemData(p: LabelProblem): { remedy?: LabelProblem['remedy'] } {
  return p.remedy ? { remedy: p.remedy } : {};
}

export type LabelValidator = (content: LabelContent) => LabelProblem | null;

export function makeLabelValidator(taxonomy: Taxonomy, version: string): LabelValidator {
  const byId = new Map<number, SchemaClass>();
  const byName = new Map<string, SchemaClass>();
  for (const c of taxonomy.classes) {
    byId.set(c.id, c);
    byName.set(c.name, c);
  }
  const inSchema = ` in schema ${version}`;
  return (content) => {
    const id = content['category_id'];
    const name = content['category'];
    let cls: SchemaClass | undefined;
    if (id !== undefined) {
      cls = typeof id === 'number' ? byId.get(id) : undefined;
      if (!cls) {
        const named = typeof name === 'string' ? ` (${describe(name)})` : '';
        return { field: 'category_id', why: `unknown class id ${describe(id)}${named}${inSchema}` };
      }
      if (name !== undefined && name !== cls.name)
        return {
          field: 'category',
          why: `${describe(name)} does not match category_id ${cls.id}, which is '${cls.name}'${inSchema}`,
        };
    } else if (name !== undefined) {
      cls = typeof name === 'string' ? byName.get(name) : undefined;
      if (!cls) return { field: 'category', why: `unknown class ${describe(name)}${inSchema}` };
    } else {
      return { field: 'category_id', why: `missing: a label names its class${inSchema}` };
    }
    if (cls.deprecated)
      return {
        field: id !== undefined ? 'category_id' : 'category',
        why: `class '${cls.name}' (id ${cls.id}) is deprecated${inSchema}; use another class`,
      };
    return (
      checkAttributes(cls, content['attributes'], inSchema) ??
      checkKeypoints(cls, content['keypoints'])
    );
  };
}

function checkAttributes(
  cls: SchemaClass,
  attributes: JsonValue | undefined,
  inSchema: string,
): LabelProblem | null {
  const specs = cls.attributes;
  if (
    attributes !== undefined &&
    (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))
  )
    return { field: 'attributes', why: `expected an object, got ${describe(attributes)}` };
  if (!specs) return null;
  const given = (attributes ?? {}) as { readonly [k: string]: JsonValue };
  for (const name in specs) {
    const spec = specs[name]!;
    const value = given[name];
    if (value === undefined || value === null) {
      if (spec.required)
        return {
          field: `attributes.${name}`,
          why: `missing required attribute of class '${cls.name}'${inSchema}`,
        };
      continue;
    }
    if (!conforms(spec, value))
      return {
        field: `attributes.${name}`,
        why: `${describe(value)} is not ${expected(spec)}${inSchema}`,
      };
  }
  return null;
}

/** Whether `value` (not null) satisfies `spec`. */
export function conforms(spec: AttributeSpec, value: JsonValue): boolean {
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'enum':
      return (
        (typeof value === 'string' || typeof value === 'number') && spec.values!.includes(value)
      );
  }
}

function expected(spec: AttributeSpec): string {
  return spec.type === 'enum'
    ? `one of ${spec.values!.map((v) => JSON.stringify(v)).join(', ')}`
    : `a ${spec.type}`;
}

function checkKeypoints(cls: SchemaClass, keypoints: JsonValue | undefined): LabelProblem | null {
  const names = cls.keypoints;
  if (!names || keypoints === undefined) return null;
  if (!Array.isArray(keypoints) || keypoints.length !== names.length * 3)
    return {
      field: 'keypoints',
      why: `class '${cls.name}' has ${names.length} keypoints: expected ${names.length * 3} numbers [x, y, v, ...]`,
    };
  return null;
}
