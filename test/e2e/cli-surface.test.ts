/**
 * The CLI basics of issue 10, item 18: `--version`; `help` of a subcommand at any depth, and an
 * unknown one as a usage error; usage errors found after parsing exit 2 (`log -n abc` printed
 * nothing and exited 0); `split set` commits to main by default; shell completion generated
 * from the command tree (the bash script is run by bash); one `--json` rule: JSON Lines, one
 * object per listed record or one object for any other result, snake_case members, and a
 * failure's `{"error": ...}` envelope on stdout (a conflicted `merge --json` printed nothing).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  expectFailure,
  expectOk,
  initRepo,
  parseJsonLines,
  runProgram,
  useTempRoot,
  verso,
  writeJsonLines,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('cli-surface');
let repo: TestRepo;

beforeAll(async () => {
  repo = await initRepo(tmp.root());
  await repo.importLabels(
    writeJsonLines(join(tmp.dir('data'), 'labels.jsonl'), [
      { image: 'img-1', label: '1', category: 'cat', bbox: [1, 2, 3, 4] },
      { image: 'img-2', label: '1', category: 'dog', bbox: [2, 3, 4, 5] },
    ]),
  );
});

describe('version and help', () => {
  it('--version and -V print the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(expectOk(await verso(['--version'])).stdout).toBe(`${version}\n`);
    expect(expectOk(await verso(['-V'])).stdout).toBe(`${version}\n`);
  });

  it('help walks to a subcommand at any depth', async () => {
    const help = expectOk(await verso(['help', 'import', 'coco'])).stdout;
    expect(help).toContain('Usage: verso import coco [options] <file>');
    expect(help).toContain('--split <name>');
    expect(expectOk(await verso(['help', 'branch'])).stdout).toContain('delete [options] <name>');
    expect(expectOk(await verso(['help'])).stdout).toContain('Usage: verso [options] [command]');
  });

  it('help of an unknown command is a usage error with the close names', async () => {
    expectFailure(
      await verso(['help', 'nosuch']),
      2,
      "verso: error: unknown command 'verso nosuch'",
    );
    expectFailure(
      await verso(['help', 'import', 'cocoa']),
      2,
      "unknown command 'verso import cocoa'; did you mean 'coco'?",
    );
  });
});

describe('usage errors exit 2', () => {
  it.concurrent.each([
    [['log', '-n', 'abc'], "option '-n, --max-count <n>' argument 'abc' is invalid"],
    [['log', '-n', '0'], 'positive integer'],
    [['lineage', 'down', 'x', '--limit', '1.5'], 'positive integer'],
    [['migrate', '--branch', 'main'], 'verso migrate needs --branch B and --to VERSION'],
    [['migrate', 'status'], 'verso migrate status needs --branch B'],
    [['run', 'start', '--dataset', 'main', '--out', 'x.jsonl'], 'give --export FORMAT and --out'],
    [['predict', 'record', '--model', 'm@1'], 'give --image and --output, or --file'],
    [['completion', 'tcsh'], "unknown shell 'tcsh'"],
  ])('verso %j', async (args, message) => {
    const r = await repo.run(args);
    expectFailure(r, 2, message);
    expect(r.stdout).toBe('');
  });
});

describe('split set', () => {
  it('commits to main by default, like the other writers', async () => {
    const before = await repo.head();
    const r = await repo.json<{ commit: string }>(['split', 'set', 'img-1', '--to', 'train']);
    expect(await repo.head()).toBe(r.commit);
    expect((await repo.show()).parents).toEqual([before]);
    expect(
      (await repo.json<{ counts: Record<string, number> }>(['split', 'show', 'main'])).counts,
    ).toEqual({
      train: 1,
    });
  });
});

describe('shell completion', () => {
  /** Runs the bash completion function for `words` (the last one being completed). */
  async function complete(words: readonly string[]): Promise<string[]> {
    const script = expectOk(await verso(['completion', 'bash'])).stdout;
    const line = ['verso', ...words].map((w) => `'${w}'`).join(' ');
    const r = await runProgram(
      'bash',
      [
        '-c',
        `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=${words.length}; _verso_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { cwd: tmp.root() },
    );
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.split('\n').filter((l) => l !== '');
  }

  it('bash completes commands, subcommands and options from the command tree', async () => {
    expect(await complete(['imp'])).toEqual(['import']);
    expect(await complete(['import', 'c'])).toEqual(['cvat', 'coco']);
    expect(await complete(['branch', 'delete', '--f'])).toEqual(['--force']);
    expect(await complete(['--repo', 'somewhere', 'ref'])).toEqual(['reflog']);
    expect(await complete(['export', 'main', '--format', 'jsonl', '--o'])).toEqual(['--out']);
    expect(await complete(['export', '--out', 'da'])).toEqual(['data']); // a value: file names
  });

  it('zsh reuses the bash logic; fish gets the same tables', async () => {
    const zsh = expectOk(await verso(['completion', 'zsh'])).stdout;
    expect(zsh).toContain('bashcompinit');
    expect(zsh).toContain('_verso_complete');
    const fish = expectOk(await verso(['completion', 'fish'])).stdout;
    expect(fish).toContain("complete -c verso -f -a '(__verso_complete)'");
    expect(fish).toMatch(/case 'import'\n\s+printf '%s\\n' 'labels\t[^']*' /);
    expect(fish).toContain("case 'branch delete'\n            printf '%s\\n' '--force'");
  });
});

describe('one --json rule', () => {
  it('lists are JSON Lines, one record per line; other results one object on one line', async () => {
    const lines = async (args: string[]) => {
      const out = await repo.ok([...args, '--json']);
      if (out === '') return [];
      expect(out.endsWith('\n')).toBe(true);
      return out.trimEnd().split('\n');
    };
    expect(await lines(['schema', 'log'])).toEqual([]); // an empty list prints nothing
    for (const list of [['log'], ['branch', 'list'], ['reflog']]) {
      expect((await lines(list)).length).toBeGreaterThan(0);
      for (const l of await lines(list)) expect(JSON.parse(l)).toBeTypeOf('object');
    }
    expect(await lines(['log'])).toHaveLength((await repo.log()).length);
    for (const one of [
      ['show', 'main'],
      ['count', 'main'],
      ['diff', 'main~1', 'main', '--stat'],
    ])
      expect(await lines(one)).toHaveLength(1);
  });

  it('uses snake_case members', async () => {
    const [ref] = parseJsonLines<Record<string, unknown>>(
      await repo.ok(['branch', 'list', '--json']),
    );
    expect(Object.keys(ref!).sort()).toEqual(['kind', 'name', 'target', 'updated_at']);
  });

  it('a failure prints the error envelope on stdout: a conflicted merge says so', async () => {
    await repo.ok(['branch', 'create', 'other']);
    const edit = (branch: string, x: number) =>
      repo.apply(
        writeJsonLines(join(tmp.dir('edits'), `${branch}.jsonl`), [
          { op: 'put', image: 'img-1', label: '1', category: 'cat', bbox: [x, 2, 3, 4] },
        ]),
        branch,
      );
    await edit('main', 10);
    await edit('other', 20);
    const r = await repo.run(['merge', 'other', '--json']);
    expectFailure(r, 1, 'verso: error:');
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { code: 'MERGE_CONFLICT', category: 'Conflict', data: { conflicts: 1 } },
    });
    await repo.ok(['merge', 'abort']);
  });
});
