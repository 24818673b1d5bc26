/**
 * Damaged storage is damage, not emptiness (issue 10 items 6 and 16). An emptied, missing,
 * truncated or foreign catalog beside a chunk store full of commits: every command refuses with
 * exit 1 and a message that says what is damaged, that nothing changed and to run `verso
 * recover`; gc deletes nothing. `verso recover` then rebuilds the branches from the commits in
 * the chunk store (main at the newest head, `recovered/<id>` for the other heads), restoring the
 * ref names it can still read from the damaged catalog. A truncated LMDB file is refused with a
 * message, not a SIGBUS.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectFailure,
  initRepo,
  useTempRoot,
  verso,
  writeJsonLines,
  TestRepo,
  type RefJson,
} from './helpers.js';

const tmp = useTempRoot('storage-damage');

let template: TestRepo;
let heads: { main: string; feature: string; tag: string };
let catMain: string;
let catFeature: string;

const label = (image: string, id: string, category: string) => ({
  image,
  label: id,
  category,
  bbox: [1, 2, 3, 4],
});

beforeAll(async () => {
  // main: init, import (tag v1), apply; feature: from the import, one commit made last (the
  // newest head). Two heads: main's and feature's.
  template = await initRepo(tmp.root(), 'template');
  await template.importLabels(
    writeJsonLines(join(tmp.dir('data'), 'a.jsonl'), [
      label('a', '1', 'cat'),
      label('b', '2', 'dog'),
    ]),
  );
  await template.ok(['tag', 'create', 'v1', 'main']);
  await template.ok(['branch', 'create', 'feature', '--from', 'main']);
  await template.apply(
    writeJsonLines(join(tmp.dir('data'), 'm.jsonl'), [{ op: 'put', ...label('a', '1', 'lion') }]),
    'main',
  );
  await template.apply(
    writeJsonLines(join(tmp.dir('data'), 'e.jsonl'), [{ op: 'put', ...label('c', '3', 'bird') }]),
    'feature',
  );
  heads = {
    main: await template.head('main'),
    feature: await template.head('feature'),
    tag: await template.head('v1'),
  };
  catMain = await template.ok(['cat', 'main']);
  catFeature = await template.ok(['cat', 'feature']);
});

/** A fresh copy of the template repository. */
let copies = 0;
function copy(): TestRepo {
  const root = join(tmp.root(), `copy-${copies++}`);
  cpSync(template.root, root, { recursive: true });
  return new TestRepo(root);
}

const catalogOf = (r: TestRepo) => join(r.root, '.verso', 'catalog.sqlite');
const dataOf = (r: TestRepo) => join(r.root, '.verso', 'chunks', 'data.mdb');

const EVERY_KIND_OF_COMMAND: readonly (readonly string[])[] = [
  ['verify'],
  ['gc'],
  ['show', 'main'],
  ['branch', 'list'],
  ['cat', 'main'],
  ['log', 'main'],
  ['import', 'labels', 'a.jsonl'],
];

/** Each command refuses, naming the damage and `verso recover`; nothing is written. */
async function expectRefused(
  repo: TestRepo,
  damage: RegExp,
  commands: readonly (readonly string[])[] = [['verify'], ['gc'], ['show', 'main']],
): Promise<void> {
  const data = readFileSync(dataOf(repo));
  const cwd = join(tmp.root(), 'data');
  const results = await Promise.all(commands.map((args) => repo.run(args, { cwd })));
  for (const [i, r] of results.entries()) {
    expectFailure(r, 1, damage, 'nothing was changed', "Run 'verso recover'");
    expect(r.stderr, commands[i]!.join(' ')).not.toMatch(
      /verified 0 chunks|internal error|\n\s+at /,
    );
  }
  expect(readFileSync(dataOf(repo)).equals(data)).toBe(true);
}

async function refsOf(repo: TestRepo): Promise<Array<[string, string]>> {
  return [...(await repo.refs('branch')), ...(await repo.refs('tag'))]
    .map((r: RefJson) => [r.name, r.target] as [string, string])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

describe('a damaged catalog beside a full chunk store', () => {
  it('emptied (": > catalog.sqlite"): refused everywhere, gc deletes nothing; recover rebuilds', async () => {
    const repo = copy();
    writeFileSync(catalogOf(repo), '');
    await expectRefused(
      repo,
      /catalog .* is empty \(0 bytes\), but the chunk store holds \d+ chunks/,
      EVERY_KIND_OF_COMMAND,
    );
    const r = await repo.run(['recover', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { catalog: string; commits: number; heads: unknown[] };
    expect(out).toMatchObject({ catalog: 'rebuilt', commits: 4 }); // init, import, 2 applies
    expect(out.heads).toHaveLength(2);
    // Each head gets a recovered/ branch, main the newest head. The tag (inside the history) and
    // the names are lost.
    expect(await refsOf(repo)).toEqual(
      [
        ['main', heads.feature],
        [`recovered/${heads.feature.slice(0, 12)}`, heads.feature],
        [`recovered/${heads.main.slice(0, 12)}`, heads.main],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    await repo.verify();
    expect(await repo.ok(['cat', 'main'])).toBe(catFeature);
    expect(await repo.ok(['cat', `recovered/${heads.main.slice(0, 12)}`])).toBe(catMain);
    expect((await repo.log('main')).map((c) => c.id)).toEqual(
      (await template.log('feature')).map((c) => c.id),
    );
    // The damaged file is kept beside the new catalog.
    expect(
      readdirSync(join(repo.root, '.verso')).some((f) => /^catalog\.sqlite\.damaged-/.test(f)),
    ).toBe(true);
    // And the repository works again: a write lands.
    await repo.apply(
      writeJsonLines(join(tmp.dir('data'), 'e2.jsonl'), [{ op: 'put', ...label('d', '4', 'cow') }]),
      'main',
    );
  });

  it('missing: found from inside the repository, refused, recovered', async () => {
    const repo = copy();
    for (const f of readdirSync(join(repo.root, '.verso')))
      if (f.startsWith('catalog.sqlite')) rmSync(join(repo.root, '.verso', f));
    const r = await repo.run(['branch', 'list'], { cwd: repo.root });
    expectFailure(r, 1, /catalog .* is missing/, "Run 'verso recover'");
    // init does not take the folder for an empty one (a new catalog would orphan every commit).
    expectFailure(
      await verso(['init', repo.root]),
      1,
      'without its catalog',
      "run 'verso recover'",
    );
    expect(existsSync(catalogOf(repo))).toBe(false);
    expect((await repo.run(['recover'])).code).toBe(0);
    expect((await repo.refs('branch')).map((b) => b.name)).toContain('main');
    await repo.verify();
  });

  it('truncated: refused with a message (no stack trace), recovered', async () => {
    const repo = copy();
    const file = catalogOf(repo);
    truncateSync(file, Math.floor(readFileSync(file).length / 3));
    await expectRefused(repo, /catalog .* is truncated/);
    expect((await repo.run(['recover'])).code).toBe(0);
    expect(await repo.ok(['cat', 'main'])).toBe(catFeature);
  });

  it('unreadable but with readable tables: recover restores the branch and tag names', async () => {
    const repo = copy();
    const db = new Database(catalogOf(repo));
    db.pragma('user_version = 0');
    db.close();
    await expectRefused(repo, /catalog .* is unreadable \(schema version 0/);
    const r = await repo.run(['recover']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('salvaged from it: 3 refs');
    expect(await refsOf(repo)).toEqual(
      [
        ['feature', heads.feature],
        ['main', heads.main],
        ['v1', heads.tag],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    expect((await repo.refs('tag')).map((t) => t.name)).toEqual(['v1']);
    await repo.verify();
  });
});

describe('recover on a healthy catalog', () => {
  it('gives a deleted branch its commits back as recovered/<id>, touching nothing else', async () => {
    const repo = copy();
    await repo.ok(['branch', 'delete', 'feature']);
    const before = await refsOf(repo);
    const r = await repo.run(['recover']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('the catalog is healthy');
    const name = `recovered/${heads.feature.slice(0, 12)}`;
    expect(await refsOf(repo)).toEqual(
      [...before, [name, heads.feature]].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    expect(await repo.ok(['cat', name])).toBe(catFeature);
    // Run again: nothing more to do.
    expect(await repo.ok(['recover'])).toContain('every head is already on a ref');
  });
});

describe('a damaged chunk store', () => {
  it('truncated data.mdb: verify and cat refuse with a message instead of dying of SIGBUS', async () => {
    const repo = copy();
    const file = dataOf(repo);
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    for (const args of [['verify'], ['cat', 'main'], ['recover']]) {
      const r = await repo.run(args);
      expect(r.signal, args.join(' ')).toBeNull();
      expectFailure(
        r,
        1,
        /chunk store .*data\.mdb is truncated/,
        'restore .verso/chunks/ from a backup',
      );
    }
  });

  it('a copied-over, foreign data.mdb is refused, not opened (lmdb-js would crash on it)', async () => {
    const repo = copy();
    copyFileSync(catalogOf(repo), dataOf(repo));
    const r = await repo.run(['show', 'main']);
    expect(r.signal).toBeNull();
    expectFailure(r, 1, /chunk store .*data\.mdb is unreadable/);
  });
});
