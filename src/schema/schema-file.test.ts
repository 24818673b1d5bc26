/**
 * Schema files: JSON and YAML read the same; every problem names file, line and field.
 */
import { describe, expect, it } from 'vitest';
import { FormatParseError } from '../core/errors.js';
import { SchemaInvalidError } from './schema-errors.js';
import { readSchemaFile } from './schema-file.js';

const YAML = `parent: "1.0"
classes:
  - id: 1
    name: person
  - id: 2
    name: car
    attributes:
      color: {type: enum, values: [red, blue], required: true}
ops:
  - {op: merge_classes, from: [3], into: 2}
`;

function problem(text: string): FormatParseError {
  try {
    readSchemaFile(text, 's.yaml');
  } catch (e) {
    if (e instanceof FormatParseError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('readSchemaFile', () => {
  it('reads YAML and the equivalent JSON to the same model', () => {
    const fromYaml = readSchemaFile(YAML, 's.yaml').file;
    const json = JSON.stringify({
      parent: '1.0',
      classes: [
        { id: 1, name: 'person' },
        {
          id: 2,
          name: 'car',
          attributes: { color: { type: 'enum', values: ['red', 'blue'], required: true } },
        },
      ],
      ops: [{ op: 'merge_classes', from: [3], into: 2 }],
    });
    expect(readSchemaFile(json, 's.json').file).toEqual(fromYaml);
    expect(fromYaml.parent).toBe('1.0');
    expect(fromYaml.classes?.classes.map((c) => c.name)).toEqual(['person', 'car']);
  });

  it.each<[string, string, number, string]>([
    ['a duplicate id', YAML.replace('id: 2', 'id: 1'), 5, 'classes[1].id'],
    [
      'a bad attribute type',
      YAML.replace('type: enum', 'type: colour'),
      8,
      'classes[1].attributes.color.type',
    ],
    [
      'an enum without values',
      YAML.replace('values: [red, blue], ', ''),
      8,
      'classes[1].attributes.color.values',
    ],
    [
      'a parent that does not exist',
      YAML.replace('name: car', 'name: car\n    parent: 7'),
      7,
      'classes[1].parent',
    ],
    ['an unknown op', YAML.replace('merge_classes', 'meld'), 10, 'ops[0].op'],
    ['an unknown top-level field', `colour: red\n${YAML}`, 1, '(top level).colour'],
  ])('reports %s at file:line field', (_what, text, line, field) => {
    const e = problem(text);
    expect(e.data).toMatchObject({ file: 's.yaml', line, field });
    expect(e.message).toContain(`s.yaml:${line} field '${field}'`);
  });

  it('reports a syntax error with its line', () => {
    const e = problem('classes: []\nparent: a\nparent: b\n');
    expect(e.data).toMatchObject({ line: 3, field: null });
    expect(e.message).toMatch(/^s\.yaml:3: not valid JSON or YAML/);
  });

  it('refuses lone surrogate escapes and deep nesting at their line and field, never a stack overflow', () => {
    const surrogate = problem('classes:\n  - id: 1\n    name: "ca\\ud800t"\n');
    expect(surrogate.data).toMatchObject({ line: 3, field: 'classes[0].name' });
    expect(surrogate.message).toContain('lone UTF-16 surrogate');
    const deep = (n: number) =>
      `classes:\n  - id: 1\n    name: a\n    keypoints: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    expect(problem(deep(70)).message).toContain('nested more than 64 levels');
    expect(problem(deep(20_000)).message).toMatch(
      /^s\.yaml:4: not valid JSON or YAML \(nested too deeply\)/,
    );
  });

  it('locates errors found later (applying ops to the parent) in the file', () => {
    const reader = readSchemaFile(YAML, 's.yaml');
    const located = reader.locate(
      new SchemaInvalidError('ops[0].into', 'no class'),
    ) as FormatParseError;
    expect(located.data).toMatchObject({ line: 10, field: 'ops[0].into' });
  });
});
