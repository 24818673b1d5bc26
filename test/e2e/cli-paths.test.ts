/**
 * Paths on the command line (issue 11 review): `main({cwd})` resolves every path operand and
 * option against the folder it is given, never the process's (`src/cli/path-values.ts`), so an
 * in-process run (tests, a server) reads and writes where a child process started in that
 * folder would; a folder that holds no repository is named as the user typed it.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPathArgument, isPathOption } from '../../src/cli/path-values.js';
import { buildProgram } from '../../src/cli/program.js';
import type { Command } from 'commander';
import {
  expectFailure,
  expectOk,
  initRepo,
  pngHeader,
  readJsonLines,
  useTempRoot,
  versoInProcess,
  versoProcess,
  writeJsonLines,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('cli-paths');
let repo: TestRepo;
/** The folder runs are given as `cwd`: not the test process's folder. */
let work: string;

const LABELS = [
  { image: 'img-1', label: '1', category: 'cat', bbox: [1, 2, 3, 4] },
  { image: 'img-2', label: '1', category: 'dog', bbox: [2, 3, 4, 5] },
];

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  work = tmp.dir('work');
  expect(work).not.toBe(process.cwd());
  writeJsonLines(join(work, 'labels.jsonl'), LABELS);
  writeJsonLines(join(work, 'edit.jsonl'), [
    { op: 'put', image: 'img-3', label: '1', category: 'cat', bbox: [3, 4, 5, 6] },
  ]);
  mkdirSync(join(work, 'images'));
  for (const image of ['img-1', 'img-2', 'img-3'])
    writeFileSync(join(work, 'images', `${image}.png`), pngHeader(100, 100));
  writeFileSync(
    join(work, 'schema.json'),
    JSON.stringify({
      classes: [
        { id: 1, name: 'cat' },
        { id: 2, name: 'dog' },
      ],
    }),
  );
  writeJsonLines(join(work, 'vectors.jsonl'), [
    { image: 'img-1', label: '1', vector: [1, 0] },
    { image: 'img-2', label: '1', vector: [0, 1] },
  ]);
  writeFileSync(join(work, 'metrics.json'), JSON.stringify({ map: 0.5 }));
  writeFileSync(join(work, 'prediction.json'), JSON.stringify([1, 0]));
});

/** `verso --repo REPO ARGS` run in this process with `work` as its folder. */
async function inWork(args: readonly string[]): Promise<string> {
  const r = await versoInProcess(['--repo', repo.root, ...args], { cwd: work });
  return expectOk(r, `verso ${args.join(' ')}`).stdout;
}

describe('relative paths are resolved against the folder main() is given', () => {
  it('apply FILE, import labels FILE and export --out land under that folder, nothing in the process folder', async () => {
    const before = readdirSync(process.cwd()).sort();
    await inWork(['add', 'images', 'images', '--reference']);
    await inWork(['import', 'labels', 'labels.jsonl']);
    await inWork(['apply', 'edit.jsonl', '--branch', 'main']);
    await inWork(['export', 'main', '--format', 'jsonl', '--out', join('out', 'labels.jsonl')]);
    await inWork(['export', 'main', '--format', 'voc', '--out', join('out', 'voc')]);
    expect(readJsonLines(join(work, 'out', 'labels.jsonl')).map((l) => l.image)).toEqual([
      'img-1',
      'img-2',
      'img-3',
    ]);
    expect(readdirSync(join(work, 'out', 'voc')).length).toBeGreaterThan(0);
    expect(readdirSync(process.cwd()).sort()).toEqual(before);
  });

  it('every other command reading or writing a path: schema, lineage, images, init', async () => {
    const before = readdirSync(process.cwd()).sort();
    await inWork(['schema', 'create', '1.0', '--from', 'schema.json']);
    const run = JSON.parse(
      await inWork([
        'run',
        'start',
        '--dataset',
        'main',
        '--export',
        'jsonl',
        '--out',
        join('run-out', 'examples.jsonl'),
        '--json',
      ]),
    ) as { run: { id: string } };
    expect(readJsonLines(join(work, 'run-out', 'examples.jsonl'))).toHaveLength(3);
    await inWork(['run', 'add-vectors', run.run.id, 'vectors.jsonl']);
    await inWork([
      'model',
      'register',
      '--run',
      run.run.id,
      '--name',
      'det',
      '--version',
      '1',
      '--metrics',
      'metrics.json',
    ]);
    await inWork([
      'predict',
      'record',
      '--model',
      'det@1',
      '--image',
      'img-1',
      '--output',
      '{}',
      '--vector',
      'prediction.json',
    ]);
    await inWork(['import', 'voc', join('out', 'voc'), '--branch', 'main', '--images', 'images']);
    expectOk(await versoInProcess(['init', 'second', '--blob-store', 'blobs'], { cwd: work }));
    expect(existsSync(join(work, 'second', '.verso'))).toBe(true);
    expect(existsSync(join(work, 'blobs'))).toBe(true);
    expect(readdirSync(process.cwd()).sort()).toEqual(before);
  });

  it('a missing input is named by its path under that folder, not the process folder', async () => {
    const r = await versoInProcess(
      ['--repo', repo.root, 'apply', 'no-such.jsonl', '--branch', 'main'],
      {
        cwd: work,
      },
    );
    expectFailure(r, 1, join(work, 'no-such.jsonl'));
  });
});

describe('the path values of the command table', () => {
  /** `command path: operand or --option`, for every value the runner resolves. */
  function pathValues(cmd: Command, prefix: readonly string[] = []): string[] {
    return cmd.commands.flatMap((sub) => {
      const path = [...prefix, sub.name()].join(' ');
      return [
        ...sub.registeredArguments.filter(isPathArgument).map((a) => `${path}: ${a.name()}`),
        ...sub.options.filter(isPathOption).map((o) => `${path}: ${o.long}`),
        ...pathValues(sub, [...prefix, sub.name()]),
      ];
    });
  }

  it('are the file and folder operands and options, and only those', () => {
    const program = buildProgram({
      stdout: process.stdout,
      stderr: process.stderr,
      env: {},
      cwd: '/nowhere',
      json: false,
      stdoutWritten: false,
    });
    expect(pathValues(program).sort()).toEqual(
      [
        'add images: paths',
        'clone: dir',
        'apply: file',
        'export: --out',
        'import coco: --images',
        'import coco: file',
        'import cvat: --images',
        'import cvat: path',
        'import label-studio: --images',
        'import label-studio: path',
        'import labels: file',
        'import mot: path',
        'import voc: --images',
        'import voc: path',
        'import yolo: --images',
        'import yolo: path',
        'init: --blob-store',
        'init: dir',
        'merge resolve: --value',
        'migrate: --policy',
        'model register: --metrics',
        'predict import: --coco',
        'predict import: --names',
        'predict import: path',
        'predict record: --file',
        'predict record: --vector',
        'recover: --blob-store',
        'run add-vectors: file',
        'run start: --out',
        'schema create: --from',
        'serve: --root',
        'slice export: --out',
      ].sort(),
    );
  });
});

describe('a folder with no repository is named as typed', () => {
  it.each([
    ['--repo', ['--repo', 'nowhere', 'log'], {}, "'nowhere'"],
    ['VERSO_REPO', ['log'], { VERSO_REPO: join('some', 'where') }, `'${join('some', 'where')}'`],
  ] as const)('%s', async (_name, args, env, shown) => {
    const r = await versoInProcess(args, { cwd: work, env });
    expectFailure(r, 1, `no Verso repository at or above ${shown}`);
  });

  it('the current folder, when nothing names one: the same in process and in a child process', async () => {
    const [inProcess, child] = [await versoInProcess(['log']), await versoProcess(['log'])];
    expectFailure(inProcess, 1, 'no Verso repository at or above');
    expect(inProcess.stderr).toBe(child.stderr);
  });
});
