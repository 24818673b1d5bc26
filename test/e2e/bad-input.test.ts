/**
 * Bad input never moves a branch: every malformed label or edit file, unknown ref and invalid
 * name fails with exit status 1 and a message that names the culprit (file:line and field, or
 * the ref), and afterwards main's head and history are exactly what they were.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  generateProjectData,
  initRepo,
  useTempRoot,
  type LabelRecord,
  type LogJson,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('bad-input');

let repo: TestRepo;
let labelLines: string[];
let editLines: string[];
let history: LogJson[];

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), 2000, 41);
  labelLines = readFileSync(ds.labelsFile, 'utf8').trimEnd().split('\n').slice(0, 40);
  // a valid batch: re-categorise the first 40 labels
  editLines = labelLines.map((l) =>
    JSON.stringify({ op: 'put', ...(JSON.parse(l) as LabelRecord), category: 'fixed' }),
  );
  repo = await initRepo(tmp.root());
  await repo.importLabels(ds.labelsFile);
  history = await repo.log('main');
  expect(history).toHaveLength(2);
});

/** Asserts main's head and history are unchanged and process `pid` left no scratch folder behind. */
async function expectNothingMoved(pid?: number): Promise<void> {
  expect(await repo.log('main')).toEqual(history);
  if (pid !== undefined)
    expect(repo.scratchDirs().filter((d) => d.startsWith(`${pid}-`))).toEqual([]);
}

const label = (i: number): LabelRecord => JSON.parse(labelLines[i]!) as LabelRecord;
const withLine = (lines: readonly string[], at: number, bad: string): string[] => [
  ...lines.slice(0, at),
  bad,
  ...lines.slice(at),
];
const MID = 20; // the bad line goes here, so it is line 21

interface FileCase {
  readonly command: 'import' | 'import --upsert' | 'apply';
  /** The whole file. */
  readonly content: () => string;
  readonly line: number;
  readonly field: string | null;
  readonly says: string;
}

const joined = (lines: readonly string[]): string => lines.join('\n') + '\n';

// prettier-ignore
const fileCases: Record<string, FileCase> = {
  'malformed JSON in the middle of a label file': {
    command: 'import', content: () => joined(withLine(labelLines, MID, '{"image":"00000001","label":"1",,}')),
    line: 21, field: null, says: 'malformed JSON',
  },
  'truncated last line of a label file': {
    command: 'import', content: () => joined(labelLines) + labelLines[0]!.slice(0, 60),
    line: 41, field: null, says: 'malformed JSON',
  },
  'truncated last line of an edit file': {
    command: 'apply', content: () => joined(editLines) + editLines[0]!.slice(0, 50),
    line: 41, field: null, says: 'malformed JSON',
  },
  'malformed JSON in an upsert import': {
    command: 'import --upsert', content: () => joined(withLine(labelLines, MID, '{"image": "x", "label": }')),
    line: 21, field: null, says: 'malformed JSON',
  },
  'a line that is not an object': {
    command: 'import', content: () => joined(withLine(labelLines, MID, '["00000001", "1"]')),
    line: 21, field: null, says: 'object',
  },
  'unknown op in an edit file': {
    command: 'apply', content: () => joined(withLine(editLines, MID, JSON.stringify({ ...label(3), op: 'upsert' }))),
    line: 21, field: 'op', says: 'unknown op "upsert"',
  },
  'missing op in an edit file': {
    command: 'apply', content: () => joined(withLine(editLines, MID, labelLines[3]!)),
    line: 21, field: 'op', says: 'missing',
  },
  'missing image in an edit file': {
    command: 'apply', content: () => joined(withLine(editLines, MID, JSON.stringify({ op: 'put', label: '7', category: 'cat' }))),
    line: 21, field: 'image', says: 'missing',
  },
  'missing label in an edit file': {
    command: 'apply', content: () => joined(withLine(editLines, MID, JSON.stringify({ op: 'delete', image: label(3).image }))),
    line: 21, field: 'label', says: 'missing',
  },
  'missing image in a label file': {
    command: 'import', content: () => joined(withLine(labelLines, MID, JSON.stringify({ label: '7', category: 'cat' }))),
    line: 21, field: 'image', says: 'missing',
  },
  'empty image id': {
    command: 'import', content: () => joined(withLine(labelLines, MID, JSON.stringify({ image: '', label: '7' }))),
    line: 21, field: 'image', says: 'non-empty',
  },
  'op in a label file': {
    command: 'import', content: () => joined(withLine(labelLines, MID, JSON.stringify({ op: 'delete', image: label(3).image, label: label(3).label }))),
    line: 21, field: 'op', says: 'verso apply',
  },
  'delete of a label that does not exist': {
    command: 'apply', content: () => joined(withLine(editLines, MID, JSON.stringify({ op: 'delete', image: '99999999', label: '1' }))),
    line: 21, field: 'label', says: 'does not exist',
  },
  'delete of a label an earlier op of the batch deleted': {
    command: 'apply',
    content: () => joined(withLine(withLine(editLines, 2, JSON.stringify({ op: 'delete', image: label(30).image, label: label(30).label })), MID, JSON.stringify({ op: 'delete', image: label(30).image, label: label(30).label }))),
    line: 21, field: 'label', says: 'does not exist',
  },
  'duplicate (image, label) in a label file': {
    command: 'import', content: () => joined(withLine(labelLines, MID, JSON.stringify({ ...label(2), category: 'dup' }))),
    line: 21, field: 'label', says: 'first at line 3',
  },
  'duplicate (image, label) spelled once as numbers': {
    command: 'import',
    content: () => joined(withLine([...labelLines.slice(0, 4), JSON.stringify({ image: '777', label: '1' }), ...labelLines.slice(4)], MID, JSON.stringify({ image: 777, label: 1 }))),
    line: 21, field: 'label', says: 'first at line 5',
  },
  'bbox with three numbers': {
    command: 'import', content: () => joined(withLine(labelLines, MID, JSON.stringify({ ...label(5), label: 'new-1', bbox: [1, 2, 3] }))),
    line: 21, field: 'bbox', says: 'bbox',
  },
  'bbox with a negative width in an edit': {
    command: 'apply', content: () => joined(withLine(editLines, MID, JSON.stringify({ op: 'put', image: 'a', label: '1', bbox: [1, 2, -3, 4] }))),
    line: 21, field: 'bbox', says: 'width',
  },
  'bbox with a string in it': {
    command: 'import', content: () => joined(withLine(labelLines, MID, JSON.stringify({ image: 'a', label: '1', bbox: [1, '2', 3, 4] }))),
    line: 21, field: 'bbox', says: 'bbox',
  },
  'review that is a string': {
    command: 'import', content: () => joined(withLine(labelLines, MID, JSON.stringify({ image: 'a', label: '1', review: 'approved' }))),
    line: 21, field: 'review', says: 'object',
  },
  'review that is an array, in an edit': {
    command: 'apply', content: () => joined(withLine(editLines, MID, JSON.stringify({ op: 'put', image: 'a', label: '1', review: ['approved'] }))),
    line: 21, field: 'review', says: 'object',
  },
};

// The cases only fail, so they run side by side (a CLI run is mostly process start-up).
describe.concurrent(
  'a bad line fails the whole file, names file, line and field, and moves nothing',
  () => {
    it.each(Object.entries(fileCases))('%s', async (name, c) => {
      const file = join(tmp.dir('cases'), `${name.replace(/\W+/g, '-')}.jsonl`);
      writeFileSync(file, c.content());
      const args =
        c.command === 'apply'
          ? ['apply', file, '--branch', 'main']
          : [
              'import',
              'labels',
              file,
              '--branch',
              'main',
              ...(c.command === 'import --upsert' ? ['--upsert'] : []),
            ];
      const r = await repo.run(args);
      expectFailure(r, 1, `${file}:${c.line}`, c.says);
      if (c.field) expect(r.stderr).toContain(`${file}:${c.line} field '${c.field}'`);
      else expect(r.stderr).not.toContain(' field ');
      expect(r.stderr).not.toContain('internal error');
      await expectNothingMoved(r.pid);
    });
  },
);

describe('the bad files without their bad line', () => {
  it('the files above are valid once the bad line is gone (the failures were the bad lines)', async () => {
    const file = join(tmp.dir('cases'), 'valid-edits.jsonl');
    writeFileSync(file, joined(editLines));
    const branch = 'check-valid';
    await repo.ok(['branch', 'create', branch]);
    expect((await repo.apply(file, branch)).labels).toEqual({ added: 0, removed: 0, modified: 40 });
    await repo.ok(['branch', 'delete', branch]);
  });
});

describe('refs that do not exist', () => {
  let editFile: string;
  beforeAll(() => {
    editFile = join(tmp.dir('refs'), 'edits.jsonl');
    writeFileSync(editFile, joined(editLines));
  });

  it.concurrent.each([
    ['show nope', ['show', 'nope'], 'nope'],
    ['diff main nope', ['diff', 'main', 'nope', '--json'], 'nope'],
    ['diff nope main', ['diff', 'nope', 'main'], 'nope'],
    ['diff --stat main nope', ['diff', 'main', 'nope', '--stat'], 'nope'],
    ['branch create x --from nope', ['branch', 'create', 'x', '--from', 'nope'], 'nope'],
    ['tag create t nope', ['tag', 'create', 't', 'nope'], 'nope'],
    ['apply f --branch nope', ['apply', '<edits>', '--branch', 'nope'], 'nope'],
    ['import labels f --branch nope', ['import', 'labels', '<edits>', '--branch', 'nope'], 'nope'],
    ['cat nope', ['cat', 'nope'], 'nope'],
    ['log nope', ['log', 'nope'], 'nope'],
    ['branch delete nope', ['branch', 'delete', 'nope'], 'nope'],
    ['show main~5 (past the root commit)', ['show', 'main~5'], 'main~5'],
    ['show of a commit-id prefix that matches nothing', ['show', 'dead0000'], 'dead0000'],
  ])('%s', async (_name, args, ref) => {
    const r = await repo.run(args.map((a) => (a === '<edits>' ? editFile : a)));
    expectFailure(r, 1, `'${ref}'`);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('internal error');
  });

  it('created no branch or tag and moved nothing', async () => {
    expect((await repo.refs('branch')).map((b) => b.name)).toEqual(['main']);
    expect(await repo.refs('tag')).toEqual([]);
    await expectNothingMoved();
  });
});

describe('invalid names', () => {
  it.concurrent.each([
    ['branch', 'with a space', 'bad name'],
    ['branch', "with '..'", 'a..b'],
    ['branch', "ending in '/'", 'feature/'],
    ['branch', 'starting with a dot', '.hidden'],
    ['branch', 'of 201 characters', 'x'.repeat(201)],
    ['branch', 'that is a full commit id', 'ab'.repeat(32)],
    ['tag', "ending in '.'", 'v1.'],
  ])('%s name %s', async (kind, _why, name) => {
    const r = await repo.run(
      kind === 'branch' ? ['branch', 'create', name] : ['tag', 'create', name, 'main'],
    );
    expectFailure(r, 1, `invalid ${kind} name`, name);
  });

  it('created nothing', async () => {
    expect((await repo.refs('branch')).map((b) => b.name)).toEqual(['main']);
    expect(await repo.refs('tag')).toEqual([]);
  });
});

describe('input files that cannot be read', () => {
  // BUG: a missing input file surfaces as "internal error: Error: ENOENT ..." instead of a user error.
  it.concurrent.each([
    ['import', (f: string) => ['import', 'labels', f]],
    ['apply', (f: string) => ['apply', f, '--branch', 'main']],
  ])('%s of a missing file: exit 1, the file named, not an internal error', async (_name, args) => {
    const missing = join(tmp.root(), 'no-such-file.jsonl');
    const r = await repo.run(args(missing));
    expectFailure(r, 1, missing);
    expect(r.stderr).not.toContain('internal error');
    await expectNothingMoved(r.pid);
  });
});
