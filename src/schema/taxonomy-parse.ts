/**
 * Untyped JSON/YAML to the taxonomy model, naming the field of every problem (layer: schema).
 * Used for schema files and for deltas read back from the catalog.
 */
import { SchemaInvalidError } from './schema-errors.js';
import { describe, onlyFields, readArray, readId, readName, readObject } from './field-readers.js';
import {
  ATTRIBUTE_TYPES,
  makeTaxonomy,
  normalClass,
  type AttributeSpec,
  type AttributeType,
  type Attributes,
  type EnumValue,
  type SchemaClass,
  type Taxonomy,
} from './taxonomy.js';

const CLASS_MEMBERS = ['id', 'name', 'parent', 'keypoints', 'skeleton', 'attributes', 'deprecated'];

/** A `classes` list: checked and normalised. */
export function parseClasses(v: unknown, at = 'classes'): Taxonomy {
  const classes = readArray(v, at).map((c, i) => parseClass(c, `${at}[${i}]`));
  return makeTaxonomy(classes, (i) => `${at}[${i}]`);
}

/** One class (its own members only; cross-class rules are `checkTaxonomy`'s). */
export function parseClass(v: unknown, at: string): SchemaClass {
  const o = readObject(v, at);
  onlyFields(o, CLASS_MEMBERS, at);
  const keypoints =
    o['keypoints'] == null ? undefined : parseKeypoints(o['keypoints'], `${at}.keypoints`);
  const c: SchemaClass = {
    id: readId(o['id'], `${at}.id`),
    name: readName(o['name'], `${at}.name`),
    ...(o['parent'] != null ? { parent: readId(o['parent'], `${at}.parent`) } : {}),
    ...(keypoints ? { keypoints } : {}),
    ...(o['skeleton'] != null ? { skeleton: parseSkeleton(o['skeleton'], `${at}.skeleton`) } : {}),
    ...(o['attributes'] != null
      ? { attributes: parseAttributes(o['attributes'], `${at}.attributes`) }
      : {}),
    ...(parseFlag(o['deprecated'], `${at}.deprecated`) ? { deprecated: true as const } : {}),
  };
  if (c.parent === c.id)
    throw new SchemaInvalidError(`${at}.parent`, 'a class cannot be its own parent');
  return normalClass(c);
}

export function parseAttributes(v: unknown, at: string): Attributes {
  const o = readObject(v, at);
  const out: Record<string, AttributeSpec> = {};
  for (const [name, spec] of Object.entries(o)) {
    readName(name, `${at}.${name}`);
    out[name] = parseAttributeSpec(spec, `${at}.${name}`);
  }
  return out;
}

export function parseAttributeSpec(v: unknown, at: string): AttributeSpec {
  const o = readObject(v, at);
  onlyFields(o, ['type', 'values', 'required'], at);
  const type = o['type'];
  if (typeof type !== 'string' || !(ATTRIBUTE_TYPES as readonly string[]).includes(type))
    throw new SchemaInvalidError(
      `${at}.type`,
      `expected one of ${ATTRIBUTE_TYPES.join(', ')}, got ${describe(type)}`,
    );
  const required = parseFlag(o['required'], `${at}.required`);
  if (type !== 'enum') {
    if (o['values'] !== undefined)
      throw new SchemaInvalidError(`${at}.values`, `only an enum attribute has values`);
    return { type: type as AttributeType, ...(required ? { required } : {}) };
  }
  const values = readArray(o['values'], `${at}.values`).map((x, i) => {
    if (typeof x !== 'string' && !(typeof x === 'number' && Number.isFinite(x)))
      throw new SchemaInvalidError(
        `${at}.values[${i}]`,
        `expected a string or number, got ${describe(x)}`,
      );
    return x as EnumValue;
  });
  if (values.length === 0)
    throw new SchemaInvalidError(`${at}.values`, 'an enum needs at least one value');
  if (new Set(values).size !== values.length)
    throw new SchemaInvalidError(`${at}.values`, 'repeats a value');
  return { type: 'enum', values, ...(required ? { required } : {}) };
}

function parseKeypoints(v: unknown, at: string): string[] {
  const names = readArray(v, at).map((x, i) => readName(x, `${at}[${i}]`));
  if (new Set(names).size !== names.length)
    throw new SchemaInvalidError(at, 'repeats a keypoint name');
  return names;
}

function parseSkeleton(v: unknown, at: string): [number, number][] {
  return readArray(v, at).map((pair, i) => {
    const p = readArray(pair, `${at}[${i}]`);
    if (p.length !== 2) throw new SchemaInvalidError(`${at}[${i}]`, 'expected a pair [a, b]');
    return [readId(p[0], `${at}[${i}][0]`), readId(p[1], `${at}[${i}][1]`)];
  });
}

function parseFlag(v: unknown, at: string): true | undefined {
  if (v === undefined || v === null || v === false) return undefined;
  if (v === true) return true;
  throw new SchemaInvalidError(at, `expected true or false, got ${describe(v)}`);
}
