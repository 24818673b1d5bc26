/**
 * The one CLI runner (issue 11, item 3): every command registered from the command table
 * (`src/cli/command-table.ts`) run successfully with `--json` prints one JSON document on one
 * line, or JSON Lines when its result is a stream of records, and nothing else; bad option
 * values and usage checks found after parsing exit 2 with the `USAGE` envelope; `main()` runs
 * in process without touching the process's streams, environment or folder, and gives the same
 * result as the executable.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EXPORT_FORMATS } from '../../src/api/interchange/index.js';
import { SELECT_STRATEGIES, SUSPECTS_BY } from '../../src/api/lineage/index.js';
import {
  EXPORT_FORMAT_CHOICES,
  SELECT_STRATEGY_CHOICES,
  SUSPECTS_BY_CHOICES,
} from '../../src/cli/arg-parsers.js';
import { tableEntryOf } from '../../src/cli/command-table.js';
import type { main } from '../../src/cli/main.js';
import { buildProgram } from '../../src/cli/program.js';
import {
  E2E_AUTHOR,
  REPO_ROOT,
  expectFailure,
  expectOk,
  initRepo,
  pngHeader,
  useTempRoot,
  verso,
  versoInProcess,
  versoProcess,
  writeJsonLines,
  type RunResult,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('cli-runner');
let repo: TestRepo;
let data: string;

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  data = tmp.dir('data');
  await repo.importLabels(
    writeJsonLines(join(data, 'labels.jsonl'), [
      { image: 'img-1', label: '1', category: 'cat', bbox: [1, 2, 3, 4] },
      { image: 'img-2', label: '1', category: 'dog', bbox: [2, 3, 4, 5] },
    ]),
  );
  await repo.ok(['branch', 'create', 'feature']);
  await repo.apply(
    writeJsonLines(join(data, 'edit.jsonl'), [
      { op: 'put', image: 'img-3', label: '1', category: 'cat', bbox: [3, 4, 5, 6] },
    ]),
    'feature',
  );
});

// ------------------------------------------------------------------ the JSON rule

type Shape = 'document' | 'records';

/** Ids printed by earlier runs (a run, a prediction), for the runs after them. */
const ids: Record<string, string> = {};

interface Run {
  readonly path: string;
  readonly args: () => string[];
  readonly shape: Shape;
  /** Keeps an id from the parsed document for later runs. */
  readonly keep?: (doc: Record<string, unknown>) => void;
  /** A list that may be empty here. */
  readonly mayBeEmpty?: boolean;
}

const run = (
  path: string,
  args: () => string[],
  shape: Shape,
  more: Partial<Pick<Run, 'keep' | 'mayBeEmpty'>> = {},
): Run => ({ path, args, shape, ...more });

/** One successful run of every table command, in an order where each finds what it needs. */
const RUNS: readonly Run[] = [
  run('init', () => ['init', join(tmp.root(), 'second')], 'document'),
  run(
    'import labels',
    () => ['import', 'labels', join(data, 'labels.jsonl'), '--upsert'],
    'document',
  ),
  run('apply', () => ['apply', join(data, 'edit.jsonl'), '--branch', 'feature'], 'document'),
  run('log', () => ['log', 'main'], 'records'),
  run('show', () => ['show', 'main'], 'document'),
  run('diff', () => ['diff', 'main', 'feature'], 'records'),
  run('diff', () => ['diff', 'main', 'feature', '--stat'], 'document'),
  run('cat', () => ['cat', 'main'], 'records'),
  run('tracks', () => ['tracks', 'main'], 'records', { mayBeEmpty: true }),
  run('cat', () => ['cat', 'main', '--where', 'class = cat', '--explain'], 'document'),
  run('count', () => ['count', 'main'], 'document'),
  run('count', () => ['count', 'main', '--where', 'class = cat', '--explain'], 'document'),
  run('index build', () => ['index', 'build', 'main'], 'document'),
  run('index show', () => ['index', 'show', 'main'], 'document'),
  run('branch list', () => ['branch', 'list'], 'records'),
  run('branch create', () => ['branch', 'create', 'scratch'], 'document'),
  run('branch delete', () => ['branch', 'delete', 'scratch'], 'document'),
  run('tag list', () => ['tag', 'list'], 'records', { mayBeEmpty: true }),
  run('token create', () => ['token', 'create', '--name', 'ci', '--role', 'read'], 'document'),
  run('token list', () => ['token', 'list'], 'records'),
  run('token revoke', () => ['token', 'revoke', 'ci'], 'document'),
  run(
    'branch protect',
    () => ['branch', 'protect', 'scratch-p', '--require', 'review'],
    'document',
  ),
  run('branch protection', () => ['branch', 'protection'], 'records'),
  run('branch unprotect', () => ['branch', 'unprotect', 'scratch-p'], 'document'),
  run('audit', () => ['audit'], 'records'),
  run('remote add', () => ['remote', 'add', 'up', 'http://127.0.0.1:9/repos/none'], 'document'),
  run('remote list', () => ['remote', 'list'], 'records'),
  run('remote remove', () => ['remote', 'remove', 'up'], 'document'),
  run('tag create', () => ['tag', 'create', 'v1', 'main'], 'document'),
  run('reflog', () => ['reflog'], 'records'),
  run('merge start', () => ['merge', 'feature', '--into', 'main'], 'document'),
  run('blame', () => ['blame', 'img-1'], 'document'),
  run('add images', () => ['add', 'images', imagesDir()], 'document'),
  run('asset list', () => ['asset', 'list', 'main'], 'records'),
  run('asset show', () => ['asset', 'show', 'main', 'a'], 'document'),
  run('split set', () => ['split', 'set', 'img-1', '--to', 'train'], 'document'),
  run('split show', () => ['split', 'show', 'main'], 'document'),
  run('split show', () => ['split', 'show', 'main', '--list'], 'records'),
  run(
    'export',
    () => ['export', 'main', '--format', 'jsonl', '--out', join(data, 'out.jsonl')],
    'document',
  ),
  run(
    'export',
    // CVAT for images needs image sizes, which these labels' images lack: none matched here
    () => [
      'export',
      'main',
      '--format',
      'cvat',
      '--out',
      join(data, 'out.xml'),
      '--where',
      'class = giraffe',
    ],
    'document',
  ),
  run(
    'export',
    () => [
      'export',
      'main',
      '--format',
      'coco',
      '--out',
      join(data, 'x.json'),
      '--where',
      'class = cat',
      '--explain',
    ],
    'document',
  ),
  run('branch create', () => ['branch', 'create', 'coco'], 'document'),
  run('import coco', () => ['import', 'coco', cocoFile(), '--branch', 'coco'], 'document'),
  run('schema log', () => ['schema', 'log'], 'records', { mayBeEmpty: true }),
  run(
    'schema create',
    () => ['schema', 'create', '1.0', '--from', schemaFile('1.0', ['cat', 'dog'])],
    'document',
  ),
  run(
    'schema create',
    () => ['schema', 'create', '2.0', '--from', schemaFile('2.0', ['cat', 'dog', 'bird'])],
    'document',
  ),
  run('schema show', () => ['schema', 'show'], 'document'),
  run('schema diff', () => ['schema', 'diff', '1.0', '2.0'], 'document'),
  run('migrate', () => ['migrate', '--branch', 'main', '--to', '1.0'], 'document'),
  run('migrate status', () => ['migrate', 'status', '--branch', 'main'], 'document'),
  run('run start', () => ['run', 'start', '--dataset', 'main'], 'document', {
    keep: (d) => (ids['run'] = (d['run'] as { id: string }).id),
  }),
  run('run list', () => ['run', 'list'], 'records'),
  run('run add-vectors', () => ['run', 'add-vectors', ids['run']!, vectorsFile()], 'document'),
  run('run finish', () => ['run', 'finish', ids['run']!], 'document'),
  run(
    'slice save',
    () => ['slice', 'save', 'cats', '--dataset', 'main', '--where', 'class = cat'],
    'document',
  ),
  run(
    'model register',
    () => ['model', 'register', '--run', ids['run']!, '--name', 'det', '--version', '1'],
    'document',
  ),
  run('model list', () => ['model', 'list'], 'records'),
  run(
    'predict record',
    () => [
      'predict',
      'record',
      '--model',
      'det@1',
      '--image',
      'img-1',
      '--output',
      '{"class":"cat"}',
      '--vector',
      predictionVector(),
    ],
    'document',
    {
      keep: (d) => (ids['prediction'] = (d['predictions'] as string[])[0]!),
    },
  ),
  run('predict list', () => ['predict', 'list'], 'records'),
  run(
    'predict import',
    () => ['predict', 'import', '--model', 'det@1', '--dataset', 'main', predictionSetFile()],
    'document',
    { keep: (d) => (ids['predictionSet'] = d['id'] as string) },
  ),
  run('predict sets', () => ['predict', 'sets'], 'records'),
  run('predict show', () => ['predict', 'show', ids['predictionSet']!], 'document'),
  run(
    'select',
    () => [
      'select',
      '--dataset',
      'main',
      '--predictions',
      'det@1',
      '--strategy',
      'margin',
      '--top',
      '1',
    ],
    'document',
    { keep: (d) => (ids['slice'] = d['slice'] as string) },
  ),
  run('lineage up', () => ['lineage', 'up', ids['prediction']!], 'document'),
  run('lineage down', () => ['lineage', 'down', 'main'], 'document'),
  run('explain', () => ['explain', ids['prediction']!, '--top', '2'], 'document'),
  run('suspects', () => ['suspects', ids['run']!, '--top', '2', '--by', 'annotator'], 'document'),
  run(
    'count',
    () => ['count', 'main', '--where', 'not matched(pred(det@1)) or pred(det@1).class != class'],
    'document',
  ),
  run(
    'predict disagreements',
    () => ['predict', 'disagreements', '--dataset', 'main', '--predictions', 'det@1'],
    'document',
  ),
  run(
    'predict promote',
    () => ['predict', 'promote', 'det@1', '--branch', 'feature', '--where', 'score >= 0.5'],
    'document',
  ),
  run('slice show', () => ['slice', 'show', ids['slice']!], 'document'),
  run(
    'slice export',
    () => [
      'slice',
      'export',
      ids['slice']!,
      '--format',
      'jsonl',
      '--out',
      join(tmp.root(), 'slice.jsonl'),
    ],
    'document',
  ),
  run('slice branch', () => ['slice', 'branch', ids['slice']!, '--name', 'relabel'], 'document'),
  run('verify', () => ['verify'], 'document'),
  run('gc', () => ['gc'], 'document'),
  run('recover', () => ['recover'], 'document'),
  run('consensus', () => ['consensus', '--strategy', 'wbf'], 'document'),
  run('agreement', () => ['agreement', 'main', '--by', 'class'], 'document'),
];

/** Commands that fail on this repository by design: their `--json` document is the envelope. */
const REFUSALS: readonly (readonly [path: string, args: string[], code: string])[] = [
  ['tag delete', ['tag', 'delete', 'v1'], 'TAG_IMMUTABLE'],
  ['merge status', ['merge', 'status'], 'NO_PENDING_MERGE'],
  ['merge resolve', ['merge', 'resolve', '--all', '--ours'], 'NO_PENDING_MERGE'],
  ['merge commit', ['merge', 'commit'], 'NO_PENDING_MERGE'],
  ['merge abort', ['merge', 'abort'], 'NO_PENDING_MERGE'],
  ['import yolo', ['import', 'yolo', '/no/such/dataset'], ''],
  ['import voc', ['import', 'voc', '/no/such/dataset'], ''],
  ['import cvat', ['import', 'cvat', '/no/such/annotations.xml'], ''],
  ['import mot', ['import', 'mot', '/no/such/gt.txt'], ''],
  ['import label-studio', ['import', 'label-studio', '/no/such/export.json'], ''],
  ['fetch', ['fetch', 'nowhere'], 'REMOTE_NOT_FOUND'],
  ['suspects', ['suspects', 'no-such-run'], 'LINEAGE_NOT_FOUND'],
  ['pull', ['pull', 'nowhere'], 'REMOTE_NOT_FOUND'],
  ['push', ['push', 'nowhere'], 'REMOTE_NOT_FOUND'],
  ['clone', ['clone', 'http://127.0.0.1:9/repos/none', '/no/such/parent/clone'], ''],
  [
    'predict import',
    ['predict', 'import', '--model', 'det@1', '/no/such/predictions.jsonl'],
    'INPUT_FILE',
  ],
  [
    'select',
    [
      'select',
      '--dataset',
      'main',
      '--predictions',
      'nobody@0',
      '--strategy',
      'margin',
      '--top',
      '1',
    ],
    'LINEAGE_NOT_FOUND',
  ],
  [
    'predict disagreements',
    ['predict', 'disagreements', '--dataset', 'main', '--predictions', 'nobody@0'],
    'LINEAGE_NOT_FOUND',
  ],
  ['predict promote', ['predict', 'promote', 'nobody@0', '--branch', 'main'], 'LINEAGE_NOT_FOUND'],
  ['slice show', ['slice', 'show', 'no-such-slice'], 'LINEAGE_NOT_FOUND'],
  [
    'slice export',
    ['slice', 'export', 'no-such-slice', '--format', 'jsonl', '--out', '/tmp/verso-never.jsonl'],
    'LINEAGE_NOT_FOUND',
  ],
  ['slice branch', ['slice', 'branch', 'no-such-slice', '--name', 'never'], 'LINEAGE_NOT_FOUND'],
  // `serve` runs until a signal; its start-up refusal is what this table can run.
  ['serve', ['serve', '--root', '/no/such/folder', '--port', '0'], 'INVALID_ARGUMENT'],
];

function cocoFile(): string {
  return writeJsonFile(join(data, 'coco.json'), {
    images: [{ id: 1, file_name: 'c1.jpg', width: 100, height: 80 }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4] }],
    categories: [{ id: 1, name: 'cat' }],
  });
}

function schemaFile(version: string, names: readonly string[]): string {
  return writeJsonFile(join(data, `schema-${version}.json`), {
    classes: names.map((name, i) => ({ id: i + 1, name })),
  });
}

function vectorsFile(): string {
  return writeJsonLines(join(data, 'vectors.jsonl'), [
    { image: 'img-1', label: '1', vector: [1, 0] },
    { image: 'img-2', label: '1', vector: [0, 1] },
  ]);
}

function predictionSetFile(): string {
  return writeJsonLines(join(data, 'prediction-set.jsonl'), [
    { image: 'img-1', prediction: '0', category: 'cat', bbox: [1, 2, 3, 4], score: 0.9 },
    { image: 'img-2', prediction: '0', category: 'dog', bbox: [2, 3, 4, 5], score: 0.55 },
  ]);
}

function predictionVector(): string {
  return writeJsonFile(join(data, 'prediction-vector.json'), [1, 0]);
}

function writeJsonFile(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value));
  return file;
}

function imagesDir(): string {
  const dir = tmp.dir('images');
  writeFileSync(join(dir, 'a.png'), pngHeader(8, 6));
  return dir;
}

/** Paths (`merge start`) of the commands registered from the command table. */
function tablePaths(cmd: Command, prefix: readonly string[] = []): string[] {
  return cmd.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [...(tableEntryOf(sub) ? [path.join(' ')] : []), ...tablePaths(sub, path)];
  });
}

function expectShape(r: RunResult, shape: Shape, what: string): unknown[] {
  const lines = r.stdout.split('\n');
  expect(lines.pop(), `${what}: stdout ends with a newline`).toBe('');
  const values = lines.map((l) => JSON.parse(l) as unknown);
  for (const v of values) expect(v !== null && typeof v === 'object', what).toBe(true);
  if (shape === 'document') expect(values, `${what}: one document`).toHaveLength(1);
  else for (const v of values) expect(Array.isArray(v), `${what}: one record per line`).toBe(false);
  return values;
}

describe('one --json rule for every table command', () => {
  it('every command of the table is run here', () => {
    const program = buildProgram({
      stdout: process.stdout,
      stderr: process.stderr,
      env: {},
      cwd: process.cwd(),
      json: false,
      stdoutWritten: false,
    });
    const covered = new Set([...RUNS.map((r) => r.path), ...REFUSALS.map(([p]) => p)]);
    expect(tablePaths(program).filter((p) => !covered.has(p))).toEqual([]);
  });

  it('a result is one JSON document on one line; a stream of records is JSON Lines', async () => {
    for (const { args, shape, keep, mayBeEmpty } of RUNS) {
      const argv = [...args(), '--json'];
      const what = `verso ${argv.join(' ')}`;
      const r = expectOk(await repo.run(argv), what);
      const values = expectShape(r, shape, what);
      if (shape === 'records' && !mayBeEmpty) expect(values.length, what).toBeGreaterThan(0);
      keep?.(values[0] as Record<string, unknown>);
    }
  });

  it('a refusal prints its error envelope as the one document', async () => {
    for (const [, args, code] of REFUSALS) {
      const r = await repo.run([...args, '--json']);
      expectFailure(r, 1, 'verso: error:');
      const [doc] = expectShape(r, 'document', args.join(' ')) as [{ error: { code: string } }];
      if (code) expect(doc.error.code).toBe(code);
      else expect(typeof doc.error.code).toBe('string');
    }
  });

  it('without --json the same commands print text, not JSON', async () => {
    const r = expectOk(await repo.run(['show', 'main']));
    expect(r.stdout.startsWith('commit ')).toBe(true);
    expect(expectOk(await repo.run(['count', 'main'])).stdout).toMatch(/^\d+\n$/);
  });
});

// ------------------------------------------------------------------ usage errors

describe('usage errors exit 2 with the USAGE envelope', () => {
  const USAGE: readonly (readonly [string[], string])[] = [
    [['log', '-n', 'abc'], "option '-n, --max-count <n>' argument 'abc' is invalid"],
    [['log', '-n', '0'], 'expected a positive integer'],
    [['log', '-n', '1.5'], 'expected a positive integer'],
    [['reflog', '--max-count', '-3'], 'expected a positive integer'],
    [['apply', 'x.jsonl'], "required option '--branch <name>' not specified"],
    [['merge', 'resolve', '--all'], 'give exactly one of --ours, --theirs, --both, --value FILE'],
    [['merge', 'resolve', '--ours', '--theirs'], 'give exactly one of'],
    [['import', 'labels', 'x.jsonl', '--upsert', '--replace-all'], 'cannot be used together'],
    [['show'], "missing required argument 'ref'"],
    [['nosuch'], "unknown command 'nosuch'"],
    // options with a fixed set of values (commander's .choices()): refused while parsing
    [
      ['export', 'main', '--format', 'bogus', '--out', 'x'],
      "argument 'bogus' is invalid. Allowed choices are coco, jsonl, yolo, yolo-seg, voc",
    ],
    [['run', 'finish', 'R', '--status', 'bogus'], 'Allowed choices are ok, failed'],
    [['run', 'add-vectors', 'R', 'v.jsonl', '--kind', 'bogus'], 'choices are gradient, embedding'],
    [['suspects', 'R', '--by', 'reviewer'], 'Allowed choices are annotator'],
    [['suspects', 'R', '--top', '0'], 'expected a positive integer'],
    [
      ['run', 'start', '--dataset', 'main', '--export', 'nope', '--out', 'x'],
      "option '--export <format>' argument 'nope' is invalid",
    ],
    [
      ['export', 'main', '--format', 'jsonl', '--out', 'x', '--with-images'],
      '--with-images: JSONL has no image files',
    ],
    [
      ['export', 'main', '--format', 'cvat', '--out', 'x', '--with-images'],
      '--with-images: the CVAT export is one XML file',
    ],
    // values checked as they are parsed, and combinations checked before the repository opens
    [['run', 'start', '--dataset', 'main', '--param', 'lr'], 'expected KEY=VALUE'],
    [
      ['run', 'start', '--dataset', 'main', '--param', 'lr=1', '--param', 'lr=2'],
      "'lr' is given twice",
    ],
    [
      ['model', 'register', '--run', 'R', '--name', 'n', '--version', '1', '--metric', '=3'],
      'expected KEY=VALUE',
    ],
    [['predict', 'record', '--model', 'm@1', '--image', 'i', '--output', '{nope'], 'expected JSON'],
    [['merge', 'resolve', '--ours'], 'name a conflict id or use --all'],
    [['merge', 'resolve', '--all', '--value', 'v.json'], '--value cannot be used with --all'],
  ];

  it.each(USAGE)('verso %j', async (args, message) => {
    const plain = await repo.run(args);
    expectFailure(plain, 2, 'verso: error:', message);
    expect(plain.stdout).toBe('');
    const json = await repo.run([...args, '--json']);
    expectFailure(json, 2, message);
    const [doc] = expectShape(json, 'document', args.join(' ')) as [
      { error: { code: string; category: string; message: string } },
    ];
    expect(doc.error).toMatchObject({ code: 'USAGE', category: 'InvalidInput' });
    expect(doc.error.message).toContain(message);
  });

  it("the choices are the api's: every export format is offered, and only those", () => {
    expect([...EXPORT_FORMAT_CHOICES].sort()).toEqual([...EXPORT_FORMATS].sort());
    expect([...SELECT_STRATEGY_CHOICES]).toEqual([...SELECT_STRATEGIES]);
    expect([...SUSPECTS_BY_CHOICES]).toEqual([...SUSPECTS_BY]);
  });

  it('a value after the option is parsed once: log -n 1 prints one commit', async () => {
    const r = expectOk(await repo.run(['log', 'main', '-n', '1', '--json']));
    expect(expectShape(r, 'records', 'log -n 1')).toHaveLength(1);
  });
});

// ------------------------------------------------------------------ main() in process

type CliMain = typeof main;
const loadMain = async (): Promise<CliMain> =>
  (
    (await import(pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js')).href)) as {
      main: CliMain;
    }
  ).main;

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

describe('main() in process', () => {
  it('equals the executable for a few commands', async () => {
    const runs: string[][] = [
      ['--version'],
      ['--repo', repo.root, 'log', 'main', '--json'],
      ['--repo', repo.root, 'show', 'main'],
      ['--repo', repo.root, 'show', 'no-such-ref', '--json'],
      ['--repo', repo.root, 'log', '-n', 'abc'],
      ['--repo', repo.root, 'diff', 'main~1', 'main'],
      ['--repo', repo.root, 'cat', 'main'],
      ['--repo', repo.root, 'branch'],
    ];
    for (const args of runs) {
      const inProcess = await versoInProcess(args);
      const child = await versoProcess(args);
      const strip = ({ code, stdout, stderr }: RunResult) => ({ code, stdout, stderr });
      expect(strip(inProcess), args.join(' ')).toEqual(strip(child));
    }
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(expectOk(await versoInProcess(['--version'])).stdout).toBe(`${version}\n`);
    expect(expectOk(await versoProcess(['--version'])).stdout).toBe(`${version}\n`);
  });

  it('--version is answered anywhere before --, but not as the option of model register', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const args of [
      ['--repo', repo.root, '--version'],
      ['--repo', 'no-such-folder', '-V'],
      ['log', 'main', '--version'],
      ['model', '--version'],
    ])
      expect(expectOk(await verso(args), args.join(' ')).stdout).toBe(`${version}\n`);
    const register = await repo.run([
      ...['model', 'register', '--run', 'no-such-run', '--name', 'm', '--version', '2'],
    ]);
    expectFailure(register, 1, 'no-such-run');
    expect(register.stdout).toBe('');
    expectFailure(await verso(['log', '--', '--version']), 1, 'no Verso repository');
  });

  it('writes only to the given streams and reads the repository from env and cwd it is given', async () => {
    const main = await loadMain();
    const write = vi.spyOn(process.stdout, 'write');
    const writeErr = vi.spyOn(process.stderr, 'write');
    try {
      const byEnv = { out: capture(), err: capture() };
      const code = await main({
        argv: ['log', 'main', '--json'],
        stdout: byEnv.out.stream,
        stderr: byEnv.err.stream,
        env: { VERSO_REPO: repo.root, VERSO_AUTHOR: E2E_AUTHOR },
        cwd: tmp.root(),
      });
      expect(code, byEnv.err.text()).toBe(0);
      expect(byEnv.out.text().split('\n').filter(Boolean).length).toBeGreaterThan(1);

      const byCwd = { out: capture(), err: capture() };
      expect(
        await main({
          argv: ['show', 'main', '--json'],
          stdout: byCwd.out.stream,
          stderr: byCwd.err.stream,
          env: {},
          cwd: repo.root,
        }),
      ).toBe(0);
      expect((JSON.parse(byCwd.out.text()) as { commit: string }).commit).toMatch(/^[0-9a-f]{64}$/);

      const failing = { out: capture(), err: capture() };
      expect(
        await main({
          argv: ['log', '-n', 'abc'],
          stdout: failing.out.stream,
          stderr: failing.err.stream,
          env: {},
          cwd: repo.root,
        }),
      ).toBe(2);
      expect(failing.err.text()).toContain('verso: error:');
      expect(write).not.toHaveBeenCalled();
      expect(writeErr).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      writeErr.mockRestore();
    }
  });

  it('a folder outside any repository is refused whatever the process folder is', async () => {
    const r = await verso(['log'], { env: { VERSO_REPO: tmp.dir('not-a-repo') } });
    expectFailure(r, 1, 'verso: error:');
  });
});

// ------------------------------------------------------------------ the executable

describe('bin/verso.js', () => {
  it('a failure before main() runs (a bad VERSO_FAILPOINT) prints the --json envelope on stdout, exit 2', async () => {
    const r = await versoProcess(['--repo', repo.root, 'log', 'main', '--json'], {
      env: { VERSO_FAILPOINT: 'no-such-failpoint' },
    });
    expectFailure(r, 2, 'verso: error: VERSO_FAILPOINT=no-such-failpoint names no failpoint');
    const [doc] = expectShape(r, 'document', 'bad failpoint') as [
      { error: { code: string; message: string } },
    ];
    expect(doc.error.code).toBe('USAGE');
    expect(doc.error.message).toContain('no-such-failpoint');
  });
});
