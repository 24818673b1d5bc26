/**
 * Path values: relative paths are resolved against the invocation's folder; absolute paths,
 * URIs (`add images file:///...`) and values that are not strings pass as typed.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { resolvePathArguments, resolvePathOptions, resolvePathValue } from './path-values.js';

describe('resolvePathValue', () => {
  it.each([
    ['a.jsonl', '/work/here/a.jsonl'],
    ['../up/a.jsonl', '/work/up/a.jsonl'],
    ['/abs/a.jsonl', '/abs/a.jsonl'],
    ['file:///data/a.jpg', 'file:///data/a.jpg'],
    ['https://example.com/a.jpg', 'https://example.com/a.jpg'],
    [
      ['x', '/y', 'file:///z'],
      ['/work/here/x', '/y', 'file:///z'],
    ],
    [true, true],
    [undefined, undefined],
  ])('%j -> %j', (value, expected) => {
    expect(resolvePathValue('/work/here', value)).toEqual(expected);
  });
});

describe('the path operands and options of a command', () => {
  const program = new Command('verso').option('--repo <dir>');
  const group = program.command('migrate').option('--policy <file>');
  const sub = group
    .command('do <name> <file> [paths...]')
    .option('--out <path>')
    .option('--output <json>');

  it('operands and options named file, path, dir or paths; not --repo, not other names', () => {
    expect(resolvePathArguments(sub, ['n', 'f', ['p', 'q']], '/c')).toEqual([
      'n',
      '/c/f',
      ['/c/p', '/c/q'],
    ]);
    const opts = { out: 'o', output: '{}', policy: 'p.yaml', repo: 'r' };
    expect(resolvePathOptions(sub, opts, '/c', false)).toEqual({ ...opts, out: '/c/o' });
    expect(resolvePathOptions(sub, opts, '/c', true)).toEqual({
      ...opts,
      out: '/c/o',
      policy: '/c/p.yaml',
    });
  });
});
