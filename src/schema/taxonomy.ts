/**
 * The taxonomy model: a schema version's set of classes (layer: schema).
 *
 * A class is keyed by its integer `id` (a label's `category_id`) and named by `name` (a label's
 * `category`). Optional: `parent` (another class id, for hierarchies), `keypoints` (names) and
 * `skeleton` (pairs of 1-based keypoint indices, COCO style), `attributes` (name -> type, enum
 * values, required flag) and `deprecated` (kept for old labels, refused for new ones).
 *
 * Invariants (checked by `checkTaxonomy`): ids unique, names unique (deprecated classes
 * included, so a name always means one class), parents exist and form no cycle, a skeleton
 * only with keypoints. The normal form drops empty or false optional members and sorts classes
 * by id, so two equal taxonomies have equal `taxonomyText`.
 */
import { encodeValue } from '../core/canonical.js';
import { canonicalToJson } from '../core/canonical-json.js';
import { SchemaInvalidError } from './schema-errors.js';

export const ATTRIBUTE_TYPES = ['boolean', 'number', 'string', 'enum'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
export type EnumValue = string | number;

export interface AttributeSpec {
  readonly type: AttributeType;
  /** Only for `enum`: the allowed values (non-empty, distinct). */
  readonly values?: readonly EnumValue[];
  readonly required?: true;
}

export type Attributes = Readonly<Record<string, AttributeSpec>>;

export interface SchemaClass {
  readonly id: number;
  readonly name: string;
  readonly parent?: number;
  readonly keypoints?: readonly string[];
  readonly skeleton?: readonly (readonly [number, number])[];
  readonly attributes?: Attributes;
  readonly deprecated?: true;
}

export interface Taxonomy {
  /** Sorted by id. */
  readonly classes: readonly SchemaClass[];
}

export const EMPTY_TAXONOMY: Taxonomy = { classes: [] };

/** The optional class members that `update_class` changes (one op per member). */
export const CLASS_FIELDS = ['parent', 'keypoints', 'skeleton'] as const;
export type ClassField = (typeof CLASS_FIELDS)[number];

/** Canonical JSON text (sorted members): equal values, equal text. */
export function canonicalText(value: unknown): string {
  return canonicalToJson(encodeValue(value));
}

export function taxonomyText(t: Taxonomy): string {
  return canonicalText(t);
}

/** The class in its normal form: no undefined, empty or false optional members. */
export function normalClass(c: SchemaClass): SchemaClass {
  const attrs = c.attributes && Object.keys(c.attributes).length > 0 ? c.attributes : undefined;
  return {
    id: c.id,
    name: c.name,
    ...(c.parent !== undefined ? { parent: c.parent } : {}),
    ...(c.keypoints && c.keypoints.length > 0 ? { keypoints: c.keypoints } : {}),
    ...(c.skeleton && c.skeleton.length > 0 ? { skeleton: c.skeleton } : {}),
    ...(attrs ? { attributes: attrs } : {}),
    ...(c.deprecated ? { deprecated: true as const } : {}),
  };
}

/** A checked taxonomy in normal form; `at(i)` names class i in errors (file order). */
export function makeTaxonomy(
  classes: readonly SchemaClass[],
  at: (i: number) => string = (i) => `classes[${i}]`,
): Taxonomy {
  checkTaxonomy(classes, at);
  return { classes: classes.map(normalClass).sort((a, b) => a.id - b.id) };
}

export function checkTaxonomy(classes: readonly SchemaClass[], at: (i: number) => string): void {
  const byId = new Map<number, number>();
  const byName = new Map<string, number>();
  classes.forEach((c, i) => {
    const first = byId.get(c.id);
    if (first !== undefined)
      throw new SchemaInvalidError(`${at(i)}.id`, `class id ${c.id} is also ${at(first)}'s id`);
    byId.set(c.id, i);
    const same = byName.get(c.name);
    if (same !== undefined)
      throw new SchemaInvalidError(`${at(i)}.name`, `name '${c.name}' is also ${at(same)}'s`);
    byName.set(c.name, i);
  });
  classes.forEach((c, i) => {
    if (c.parent !== undefined && !byId.has(c.parent))
      throw new SchemaInvalidError(`${at(i)}.parent`, `no class with id ${c.parent}`);
    checkSkeleton(c, at(i));
  });
  classes.forEach((c, i) => {
    const seen = new Set<number>([c.id]);
    for (let p = c.parent; p !== undefined; p = classes[byId.get(p)!]!.parent) {
      if (seen.has(p))
        throw new SchemaInvalidError(`${at(i)}.parent`, `parents form a cycle through id ${p}`);
      seen.add(p);
    }
  });
}

function checkSkeleton(c: SchemaClass, at: string): void {
  const n = c.keypoints?.length ?? 0;
  c.skeleton?.forEach(([a, b], j) => {
    if (a < 1 || b < 1 || a > n || b > n)
      throw new SchemaInvalidError(
        `${at}.skeleton[${j}]`,
        `keypoint indices are 1-based and at most ${n} (the number of keypoints)`,
      );
  });
}

/** Lookups by id and by name. */
export interface TaxonomyIndex {
  readonly byId: ReadonlyMap<number, SchemaClass>;
  readonly byName: ReadonlyMap<string, SchemaClass>;
}

export function indexTaxonomy(t: Taxonomy): TaxonomyIndex {
  return {
    byId: new Map(t.classes.map((c) => [c.id, c])),
    byName: new Map(t.classes.map((c) => [c.name, c])),
  };
}
