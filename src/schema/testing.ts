/**
 * Test helpers for the schema layer (layer: schema, tests only): a fast-check arbitrary of
 * valid taxonomies and a compact taxonomy builder.
 */
import fc from 'fast-check';
import { makeTaxonomy, type AttributeSpec, type SchemaClass, type Taxonomy } from './taxonomy.js';

const NAMES = [
  'person',
  'car',
  'truck',
  'bus',
  'bike',
  'dog',
  'cat',
  'sign',
  'light',
  'tree',
  'van',
  'cone',
];

const attributeArb: fc.Arbitrary<AttributeSpec> = fc
  .oneof(
    fc.record(
      {
        type: fc.constantFrom('boolean', 'number', 'string') as fc.Arbitrary<AttributeSpec['type']>,
      },
      { requiredKeys: ['type'] },
    ),
    fc.record({
      type: fc.constant('enum' as const),
      values: fc.uniqueArray(fc.constantFrom('red', 'blue', 'green', 1, 2), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  )
  .chain((spec) =>
    fc.boolean().map((required) => (required ? { ...spec, required: true as const } : spec)),
  );

const attributesArb = fc.dictionary(
  fc.constantFrom('color', 'occluded', 'pose', 'size'),
  attributeArb,
  {
    maxKeys: 3,
  },
);

/** Valid taxonomies: unique ids and names, parents with smaller ids (no cycles), valid skeletons. */
export const taxonomyArb: fc.Arbitrary<Taxonomy> = fc
  .uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 8 })
  .chain((ids) =>
    fc
      .tuple(
        fc.shuffledSubarray(NAMES, { minLength: ids.length, maxLength: ids.length }),
        fc.tuple(
          ...ids.map((id) =>
            fc.record({
              parent: fc.option(fc.constantFrom(...ids.filter((p) => p < id), -1), {
                nil: undefined,
              }),
              keypoints: fc.option(fc.constantFrom(['a', 'b'], ['a', 'b', 'c']), {
                nil: undefined,
              }),
              skeleton: fc.boolean(),
              attributes: attributesArb,
              deprecated: fc.boolean(),
            }),
          ),
        ),
      )
      .map(([names, extras]) =>
        ids.map((id, i): SchemaClass => {
          const e = extras[i]!;
          return {
            id,
            name: names[i]!,
            ...(e.parent !== undefined && e.parent >= 0 ? { parent: e.parent } : {}),
            ...(e.keypoints
              ? {
                  keypoints: e.keypoints,
                  ...(e.skeleton ? { skeleton: [[1, 2]] as [number, number][] } : {}),
                }
              : {}),
            attributes: e.attributes,
            ...(e.deprecated ? { deprecated: true as const } : {}),
          };
        }),
      ),
  )
  .map((classes) => makeTaxonomy(classes));

/** `tax([1, 'person'], [2, 'car', {attributes: ...}])`. */
export function tax(...classes: [number, string, Partial<SchemaClass>?][]): Taxonomy {
  return makeTaxonomy(classes.map(([id, name, extra]) => ({ id, name, ...extra })));
}
