/**
 * Every command of the `verso` program tree, run with bad input: an unknown option, its
 * required arguments left out, a ref that does not exist, and (for commands that write files)
 * an output path that cannot be written. The commands are read from the commander tree
 * (`src/cli/program.ts`), so a new command is covered without being listed here; its
 * arguments are filled from their names (`argValue`, `optionValue`).
 *
 * Every run must end with exit 0, 1 or 2 (never 13, the exit of a promise that never
 * settled), a `verso: error:` line when it fails, no stack trace and no "internal error";
 * with `--json`, stdout must be JSON Lines with snake_case members, also on failure (the
 * result printed before it, or the `{"error": ...}` envelope). Nothing may change: the ref
 * log is the same afterwards, and no output is left at an unwritable path. The runs go side
 * by side (`versoAsync`).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { mapConcurrent } from '../../src/core/map-concurrent.js';
import {
  expectOk,
  initRepo,
  useTempRoot,
  verso,
  writeJsonLines,
  type RunResult,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('every-command');
const MISSING = 'no-such-ref';
const IN_FLIGHT = 4;

type CaseKind = 'unknown option' | 'missing arguments' | 'missing ref' | 'unwritable output';

interface Case {
  readonly kind: CaseKind;
  readonly args: readonly string[];
  /** A path that must not exist after the run (unwritable outputs). */
  readonly mustNotExist?: string;
}

// ------------------------------------------------------------------ the command tree

/** Commands that run something: leaves, and groups with options or arguments of their own. */
function runnableCommands(program: Command): { path: string[]; cmd: Command }[] {
  const out: { path: string[]; cmd: Command }[] = [];
  const walk = (cmd: Command, path: string[]) => {
    const ownInput = cmd.options.length > 0 || cmd.registeredArguments.length > 0;
    if (path.length > 0 && (cmd.commands.length === 0 || ownInput)) out.push({ path, cmd });
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return out;
}

const REF_ARGUMENTS = new Set(['ref', 'from', 'to', 'source']);
const REF_OPTIONS = new Set(['--branch', '--into', '--ref', '--dataset']);
const OUTPUT_OPTIONS = new Set(['--out', '--blob-store']);
/** Stands for an output folder argument (`init [dir]`) in `filled`'s `include`. */
const DIR = new Option('--dir <dir>');

interface Fixtures {
  readonly repo: TestRepo;
  readonly labels: string;
  readonly folder: string;
  /** A regular file: any path below it cannot be created. */
  readonly blocker: string;
}

/** A value for a positional argument, by its name; `ref` for the ones that name refs. */
function argValue(name: string, ref: string, out: string, f: Fixtures): string {
  if (REF_ARGUMENTS.has(name)) return ref;
  switch (name) {
    case 'file':
    case 'path':
    case 'paths':
      return f.labels;
    case 'dir':
      return out; // init's folder
    case 'name':
      return MISSING;
    case 'images':
    case 'image':
      return 'img-1';
    case 'label':
      return '1';
    case 'command':
      return 'no-such-command';
    default:
      return `no-such-${name}`;
  }
}

/** A value for an option, by its long name (and `<file>`/`<ref>` placeholders). */
function optionValue(o: Option, ref: string, out: string, f: Fixtures): string {
  const long = o.long ?? '';
  if (REF_OPTIONS.has(long) || o.flags.endsWith('<ref>')) return ref;
  if (OUTPUT_OPTIONS.has(long)) return out;
  if (o.flags.endsWith('<file>')) return f.labels;
  if (o.flags.endsWith('<dir>')) return f.folder;
  switch (long) {
    case '--format':
    case '--export':
      return 'jsonl';
    case '--to':
      return 'train';
    case '--at':
      return '2024-01-01';
    case '--top':
    case '--per-class':
      return '1';
    default:
      // An option with a fixed set of values (`token create --role`) gets one of them.
      return o.argChoices?.[0] ?? `no-such-${long.replace(/^--/, '')}`;
  }
}

function hasJson(cmd: Command): boolean {
  return cmd.options.some((o) => o.long === '--json');
}

/**
 * The full command line: every required argument and every ref argument, every mandatory
 * option and those `include` picks, `--json` when the command has it.
 */
function filled(
  path: readonly string[],
  cmd: Command,
  ref: string,
  out: string,
  f: Fixtures,
  include: (o: Option) => boolean,
): string[] {
  const args = [...path];
  for (const a of cmd.registeredArguments)
    if (a.required || REF_ARGUMENTS.has(a.name()) || (a.name() === 'dir' && include(DIR)))
      args.push(argValue(a.name(), ref, out, f));
  for (const o of cmd.options) {
    if (!o.long || o.long === '--json' || !(o.mandatory || include(o))) continue;
    args.push(o.long, ...(o.required || o.optional ? [optionValue(o, ref, out, f)] : []));
  }
  if (hasJson(cmd)) args.push('--json');
  return ['--repo', f.repo.root, ...args];
}

function casesOf(path: string[], cmd: Command, f: Fixtures): Case[] {
  const cases: Case[] = [];
  const repoArgs = ['--repo', f.repo.root, ...path];
  const scratch = join(tmp.dir('outputs'), `${path.join('-')}.out`);
  const complete = filled(path, cmd, 'main', scratch, f, () => false);
  cases.push({ kind: 'unknown option', args: [...complete, '--no-such-option'] });
  const needsInput =
    cmd.registeredArguments.some((a) => a.required) || cmd.options.some((o) => o.mandatory);
  if (needsInput) cases.push({ kind: 'missing arguments', args: repoArgs });

  const takesRef =
    cmd.registeredArguments.some((a) => REF_ARGUMENTS.has(a.name())) ||
    cmd.options.some((o) => REF_OPTIONS.has(o.long ?? '') || o.flags.endsWith('<ref>'));
  // `--to` completes `migrate --branch B`, so that its ref is looked up at all.
  const isRefOption = (o: Option) =>
    REF_OPTIONS.has(o.long ?? '') || o.flags.endsWith('<ref>') || o.long === '--to';
  if (takesRef) {
    const out = join(tmp.dir('outputs'), `${path.join('-')}-missing-ref.out`);
    cases.push({ kind: 'missing ref', args: filled(path, cmd, MISSING, out, f, isRefOption) });
  }

  const writesFiles =
    cmd.options.some((o) => OUTPUT_OPTIONS.has(o.long ?? '')) ||
    cmd.registeredArguments.some((a) => a.name() === 'dir');
  if (writesFiles) {
    const blocked = join(f.blocker, path.join('-'), 'out');
    const outputs = (o: Option) =>
      o === DIR || OUTPUT_OPTIONS.has(o.long ?? '') || o.long === '--export';
    const args = filled(path, cmd, 'main', blocked, f, outputs);
    cases.push({ kind: 'unwritable output', args, mustNotExist: blocked });
  }
  return cases;
}

// ------------------------------------------------------------------ checks

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
const LOWER_CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)+$/;
/** Members whose values are user data (`src/cli/json-case.ts`): their keys are not ours. */
const DATA_MEMBERS = new Set(['operations', 'params', 'metrics', 'output', 'attributes']);

function camelCaseKeys(v: unknown, at = '$'): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => camelCaseKeys(x, `${at}[${i}]`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => [
    ...(LOWER_CAMEL.test(k) ? [`${at}.${k}`] : []),
    ...(DATA_MEMBERS.has(k) ? [] : camelCaseKeys(x, `${at}.${k}`)),
  ]);
}

/** What every run must satisfy, whatever its input. */
function expectClean(r: RunResult, c: Case): void {
  const what = `verso ${c.args.join(' ')}\nexit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
  expect(r.signal, what).toBeNull();
  expect([0, 1, 2], what).toContain(r.code);
  expect(r.stderr, what).not.toContain('internal error');
  expect(r.stderr, what).not.toMatch(STACK_FRAME);
  if (r.code !== 0) expect(r.stderr, what).toMatch(/^verso: error: \S/m);
  if (!c.args.includes('--json')) return;
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  const docs = lines.map((l) => {
    expect(() => JSON.parse(l) as unknown, `not JSON Lines: ${what}`).not.toThrow();
    return JSON.parse(l) as unknown;
  });
  expect(
    docs.flatMap((d) => camelCaseKeys(d)),
    what,
  ).toEqual([]);
  // A failure's stdout is JSON too: the result it printed, or else the error envelope.
  if (r.code !== 0 && docs.length === 1 && 'error' in (docs[0] as object)) {
    expect((docs[0] as { error: unknown }).error, what).toMatchObject({
      code: expect.any(String) as unknown,
      category: expect.any(String) as unknown,
      message: expect.any(String) as unknown,
    });
  } else if (r.code !== 0) {
    expect(docs.length, `no JSON on stdout: ${what}`).toBeGreaterThan(0);
  }
}

function expectCase(r: RunResult, c: Case): void {
  expectClean(r, c);
  const what = `verso ${c.args.join(' ')}\nstderr:\n${r.stderr}`;
  switch (c.kind) {
    case 'unknown option':
      expect(r.code, what).toBe(2);
      expect(r.stderr, what).toContain("unknown option '--no-such-option'");
      break;
    case 'missing arguments':
      expect(r.code, what).toBe(2);
      break;
    case 'missing ref':
    case 'unwritable output':
      expect([1, 2], what).toContain(r.code);
      break;
  }
  if (c.mustNotExist !== undefined) expect(existsSync(c.mustNotExist), what).toBe(false);
}

// ------------------------------------------------------------------ the run

const COMMANDS = runnableCommands(
  buildProgram({
    stdout: process.stdout,
    stderr: process.stderr,
    env: {},
    cwd: process.cwd(),
    json: false,
    stdoutWritten: false,
  }),
);
let fixtures: Fixtures;
const cases = new Map<string, readonly Case[]>();
const results = new Map<string, RunResult[]>();
let refLogBefore: string;

beforeAll(async () => {
  const repo = await initRepo(tmp.root());
  const data = tmp.dir('data');
  const labels = writeJsonLines(join(data, 'labels.jsonl'), [
    { image: 'img-1', label: '1', class: 'cat', bbox: [1, 2, 3, 4] },
    { image: 'img-2', label: '1', class: 'dog', bbox: [2, 3, 4, 5] },
  ]);
  await repo.importLabels(labels);
  await repo.ok(['tag', 'create', 'v1', 'main']);
  const blocker = join(data, 'a-file');
  writeFileSync(blocker, 'not a folder\n');
  const folder = join(data, 'folder');
  mkdirSync(folder);
  fixtures = { repo, labels, folder, blocker };
  refLogBefore = await repo.ok(['reflog', '--json']);

  for (const { path, cmd } of COMMANDS) cases.set(path.join(' '), casesOf(path, cmd, fixtures));
  const all = [...cases].flatMap(([path, list]) => list.map((c) => ({ path, c })));
  const runs = await mapConcurrent(all, IN_FLIGHT, ({ c }) => verso(c.args));
  all.forEach(({ path }, i) => results.set(path, [...(results.get(path) ?? []), runs[i]!]));
}, 240_000);

describe('every command', () => {
  it('the walk finds the commands and every kind of case (a tree read wrongly tests nothing)', () => {
    const paths = COMMANDS.map((c) => c.path.join(' '));
    for (const p of ['init', 'export', 'import coco', 'branch delete', 'reflog', 'migrate'])
      expect(paths).toContain(p);
    const kinds = new Set([...cases.values()].flatMap((list) => list.map((c) => c.kind)));
    expect([...kinds].sort()).toEqual([
      'missing arguments',
      'missing ref',
      'unknown option',
      'unwritable output',
    ]);
  });

  it.each(COMMANDS.map((c) => c.path.join(' ')))(
    'verso %s fails cleanly on bad arguments, missing refs and unwritable outputs',
    (path) => {
      const list = cases.get(path)!;
      const runs = results.get(path)!;
      expect(runs).toHaveLength(list.length);
      list.forEach((c, i) => expectCase(runs[i]!, c));
    },
  );

  it('changed no ref', async () => {
    expect(expectOk(await fixtures.repo.run(['reflog', '--json'])).stdout).toBe(refLogBefore);
  });
});
