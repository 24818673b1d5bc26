/**
 * History independence through the CLI: the snapshot id depends only on the labels and reviews a
 * branch ends up with, never on the order of the input lines, on how the JSON is spelled, or on
 * the sequence of edits that led there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyToModel,
  generateProjectData,
  initRepo,
  keyOf,
  modelOf,
  modelToRecords,
  readJsonLines,
  seededRandom,
  shuffled,
  useTempRoot,
  writeJsonLines,
  type LabelRecord,
  type TestRepo,
} from './helpers.js';

const tmp = useTempRoot('history');
const LABELS = 5000;

let repo: TestRepo;
let rootCommit: string;
let labelsFile: string;
let editsFile: string;
let originals: LabelRecord[];
let mainSnapshot: string;

beforeAll(async () => {
  const ds = await generateProjectData(tmp.dir('data'), LABELS, 21, [500]);
  labelsFile = ds.labelsFile;
  editsFile = ds.editFiles[0]!.file;
  originals = readJsonLines(labelsFile);
  repo = await initRepo(tmp.root());
  rootCommit = await repo.head();
  mainSnapshot = (await repo.importLabels(labelsFile)).snapshot;
});

describe('import', () => {
  it('the same labels in a shuffled line order give the same snapshot id', async () => {
    const lines = readFileSync(labelsFile, 'utf8').trimEnd().split('\n');
    const file = join(tmp.dir('shuffled'), 'labels.jsonl');
    writeFileSync(file, shuffled(lines, seededRandom(7)).join('\n') + '\n');

    await repo.ok(['branch', 'create', 'shuffled', '--from', rootCommit]);
    const r = await repo.importLabels(file, 'shuffled');
    expect(r.snapshot).toBe(mainSnapshot);
    expect((await repo.show('shuffled')).snapshot).toBe(mainSnapshot);
    expect((await repo.show('shuffled')).commit).not.toBe((await repo.show('main')).commit);

    const fresh = await initRepo(tmp.root(), 'fresh-shuffled');
    expect((await fresh.importLabels(file)).snapshot).toBe(mainSnapshot);
  });

  it('field order, number spelling, CRLF line ends and blank lines do not matter', async () => {
    const reversed = (o: object): string => {
      const entries = Object.entries(o).reverse();
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v !== null && typeof v === 'object' && !Array.isArray(v) ? reversed(v as object) : JSON.stringify(v)}`).join(',')}}`;
    };
    const respelled = originals.map(
      (r, i) =>
        reversed(r)
          .replace(/"iscrowd":0(?=[,}])/, '"iscrowd":0.0')
          .replace(/"area":(\d+\.\d+)/, (_m, n: string) => `"area":${n}0`)
          .replace(/"category_id":(\d+)/, (_m, n: string) => `"category_id":${n}e0`) +
        (i % 97 === 0 ? '\r\n\r\n' : '\r\n'),
    );
    expect(respelled[0]).toContain('"iscrowd":0.0');
    const file = join(tmp.dir('respelled'), 'labels.jsonl');
    writeFileSync(file, '\n' + respelled.join(''));

    await repo.ok(['branch', 'create', 'respelled', '--from', rootCommit]);
    expect((await repo.importLabels(file, 'respelled')).snapshot).toBe(mainSnapshot);
  });
});

describe('edit sequences', () => {
  let ops: LabelRecord[];
  let finalSnapshot: string;

  beforeAll(() => {
    ops = readJsonLines(editsFile);
  });

  /** A new branch from main with `files` applied in order: its head commit and snapshot. */
  const applyAll = async (
    branch: string,
    ...files: string[]
  ): Promise<{ commit: string; snapshot: string }> => {
    await repo.ok(['branch', 'create', branch, '--from', 'main']);
    let head = { commit: '', snapshot: '' };
    for (const f of files) head = await repo.apply(f, branch);
    return head;
  };

  it('one batch, two halves, and the halves in the other order reach one snapshot id', async () => {
    expect(new Set(ops.map(keyOf)).size, 'generator batches touch each label once').toBe(
      ops.length,
    );
    const dir = tmp.dir('halves');
    const e1 = writeJsonLines(join(dir, 'e1.jsonl'), ops.slice(0, 250));
    const e2 = writeJsonLines(join(dir, 'e2.jsonl'), ops.slice(250));

    const whole = await applyAll('whole', editsFile);
    const seq12 = await applyAll('seq12', e1, e2);
    const seq21 = await applyAll('seq21', e2, e1);
    expect(whole.snapshot).not.toBe(mainSnapshot);
    expect(seq12.snapshot).toBe(whole.snapshot);
    expect(seq21.snapshot).toBe(whole.snapshot);
    expect(new Set([whole.commit, seq12.commit, seq21.commit]).size).toBe(3);
    expect((await repo.show('seq21')).snapshot).toBe(whole.snapshot);
    expect(await repo.ok(['diff', 'seq12', 'seq21', '--json'])).toBe('');
    finalSnapshot = whole.snapshot;
  });

  it('a detour that changes, deletes and adds labels and then reverts them reaches the same id', async () => {
    const touched = new Set(ops.map(keyOf));
    const others = shuffled(
      originals.filter((r) => !touched.has(keyOf(r))),
      seededRandom(3),
    );
    const changed = others.slice(0, 200);
    const deleted = others.slice(200, 220);
    const temporary = Array.from({ length: 20 }, (_, i) => ({
      op: 'put',
      image: `detour-${i}`,
      label: '1',
      category: 'temp',
      review: { status: 'pending' },
    }));

    const dir = tmp.dir('detour');
    const away = writeJsonLines(join(dir, 'away.jsonl'), [
      ...changed.map((r) => ({
        ...r,
        op: 'put',
        category: 'detour',
        bbox: [0, 0, 1, 1],
        review: null,
      })),
      ...deleted.map((r) => ({ op: 'delete', image: r.image, label: r.label })),
      ...temporary,
    ]);
    const back = writeJsonLines(join(dir, 'back.jsonl'), [
      ...temporary.map((r) => ({ op: 'delete', image: r.image, label: r.label })),
      ...ops,
      ...[...changed, ...deleted].map((r) => ({ op: 'put', ...r })),
    ]);

    await repo.ok(['branch', 'create', 'detour', '--from', 'main']);
    const midway = await repo.apply(away, 'detour');
    expect(midway.labels).toEqual({ added: 20, removed: 20, modified: 200 });
    expect(midway.snapshot).not.toBe(mainSnapshot);
    expect((await repo.apply(back, 'detour')).snapshot).toBe(finalSnapshot);
  });

  it('importing the final labels into an empty branch gives the id the edits reached', async () => {
    const expected = applyToModel(modelOf(originals), ops);
    const file = writeJsonLines(
      join(tmp.dir('final'), 'labels.jsonl'),
      shuffled(modelToRecords(expected), seededRandom(5)),
    );

    await repo.ok(['branch', 'create', 'rebuilt', '--from', rootCommit]);
    expect((await repo.importLabels(file, 'rebuilt')).snapshot).toBe(finalSnapshot);
    const rebuilt = await repo.show('rebuilt');
    expect(rebuilt.snapshot).toBe(finalSnapshot);
    expect(rebuilt.counts.labels).toBe(expected.size);
    expect(rebuilt.counts.reviews).toBe(
      [...expected.values()].filter((l) => l.review !== null).length,
    );
  });
});
