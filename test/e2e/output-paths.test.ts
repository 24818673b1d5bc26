/**
 * Output paths (issue 10, item 13): `export --out missing/dir/f` creates the folders and
 * writes (it exited 13 with no message, or printed an internal error with a stack trace with
 * `--where` or `--format coco`); an output that cannot be written is refused with a clear
 * message before anything happens, whatever the format; `run start --export` records no run
 * when its export cannot be written (it left an orphan run recorded as running).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteCatalog } from '../../src/catalog/sqlite/sqlite-catalog.js';
import {
  expectFailure,
  initRepo,
  readJsonLines,
  useTempRoot,
  writeJsonLines,
  type RunResult,
  type TestRepo,
  pngHeader,
} from './helpers.js';

const tmp = useTempRoot('output-paths');
const FORMATS = ['jsonl', 'coco', 'yolo', 'yolo-seg', 'voc'] as const;
const LABELS = [
  { image: 'img-1', label: '1', category: 'cat', bbox: [1, 2, 3, 4] },
  { image: 'img-2', label: '1', category: 'dog', bbox: [2, 3, 4, 5] },
];

let repo: TestRepo;
let cwd: string;
let blocker: string;

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  // COCO and VOC exports need each image's size: record the two images first.
  const images = tmp.dir('images');
  for (const image of ['img-1', 'img-2'])
    writeFileSync(join(images, `${image}.png`), pngHeader(100, 100));
  await repo.ok(['add', 'images', images]);
  await repo.importLabels(writeJsonLines(join(tmp.dir('data'), 'labels.jsonl'), LABELS));
  cwd = tmp.dir('cwd');
  blocker = join(tmp.dir('data'), 'a-file');
  writeFileSync(blocker, 'not a folder\n');
});

function expectNoCrash(r: RunResult): void {
  expect(r.code, r.stderr).not.toBe(13);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

async function runs(): Promise<number> {
  const catalog = SqliteCatalog.open(join(repo.root, '.verso', 'catalog.sqlite'));
  try {
    return (await catalog.lineage.listRuns()).length;
  } finally {
    await catalog.close();
  }
}

describe('export into folders that do not exist yet', () => {
  it.concurrent.each([
    ['jsonl', []],
    ['jsonl', ['--where', 'class = cat']],
    ['coco', []],
    ['coco', ['--where', 'class = cat']],
  ] as const)('%s %s: creates the folders and writes the file', async (format, extra) => {
    const out = join('missing', `${format}-${extra.length}`, 'dir', `f.${format}`);
    const r = await repo.run(['export', 'main', '--format', format, '--out', out, ...extra], {
      cwd,
    });
    expectNoCrash(r);
    expect(r.code, r.stderr).toBe(0);
    const written = readFileSync(join(cwd, out), 'utf8');
    const labels = extra.length ? 1 : 2;
    if (format === 'jsonl') expect(readJsonLines(join(cwd, out))).toHaveLength(labels);
    else
      expect((JSON.parse(written) as { annotations: unknown[] }).annotations).toHaveLength(labels);
  });

  // (yolo needs image sizes, which these labels have no asset records for)
  it.concurrent.each(['voc'])('%s: creates the output folder', async (format) => {
    const out = join('missing', format, 'dataset');
    const r = await repo.run(['export', 'main', '--format', format, '--out', out], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(cwd, out)).length).toBeGreaterThan(0);
  });
});

describe('an output that cannot be written', () => {
  it.concurrent.each(
    FORMATS.flatMap((f) => [[f, []] as const, [f, ['--where', 'class = cat']] as const]),
  )('%s %s: refused with the path and the reason, nothing written', async (format, extra) => {
    const out = join(blocker, format, 'out');
    const r = await repo.run(['export', 'main', '--format', format, '--out', out, ...extra]);
    expectNoCrash(r);
    expectFailure(r, 1, `verso: error: cannot write '${out}'`, 'is a file, not a folder');
    expect(existsSync(out)).toBe(false);
  });

  it('a folder where a file goes', async () => {
    const r = await repo.run(['export', 'main', '--format', 'coco', '--out', cwd]);
    expectNoCrash(r);
    expectFailure(r, 1, 'is a folder, not a file');
  });
});

describe('run start --export', () => {
  it('records no run when the export cannot be written, nor for an unknown format', async () => {
    const before = await runs();
    const bad = join(blocker, 'nodir', 'x.jsonl');
    const r = await repo.run([
      'run',
      'start',
      '--dataset',
      'main',
      '--export',
      'jsonl',
      '--out',
      bad,
    ]);
    expectNoCrash(r);
    expectFailure(r, 1, 'cannot write', 'is a file, not a folder');
    const format = await repo.run([
      'run',
      'start',
      '--dataset',
      'main',
      '--export',
      'nope',
      '--out',
      'x',
    ]);
    expectFailure(format, 2, "argument 'nope' is invalid");
    expect(await runs()).toBe(before);
  });

  it('creates the folders of its output, and records the run', async () => {
    const before = await runs();
    const out = join('nodir', 'deeper', 'x.jsonl');
    const r = await repo.json<{ run: { id: string }; export: { labels: number } }>(
      ['run', 'start', '--dataset', 'main', '--export', 'jsonl', '--out', out],
      { cwd },
    );
    expect(r.export.labels).toBe(2);
    expect(readJsonLines(join(cwd, out))).toHaveLength(2);
    expect(await runs()).toBe(before + 1);
  });
});
