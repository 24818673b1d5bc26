/**
 * What the importers accept as text, and what they refuse and how (issue 10 items 8, 15, 16),
 * through the CLI:
 * - bytes that are not UTF-8 are refused with file:line, by every importer and every file they
 *   decode (never stored as U+FFFD); lone surrogate escapes likewise;
 * - (a UTF-8 byte order mark is accepted by every importer and changes nothing: checked in
 *   process on real files by `src/api/importer-fuzz.test.ts`);
 * - XML DTDs and entity declarations are refused, undefined entities too, character references
 *   are decoded; deep nesting is a clear error with file and place;
 * - files of another kind (a COCO results list or panoptic file, a Label Studio video task, a
 *   YOLO folder, a VOC file given to `import cvat`...) are refused saying what they are and what
 *   to do; a CVAT project whose tasks reuse frame names is refused unless `--task` picks one.
 * Every refusal exits 1 and leaves the branch where it was.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFailure, REPO_ROOT, useTempRoot, type TestRepo } from './helpers.js';
import { freshRepo } from './repo-copy.js';

const tmp = useTempRoot('input');
const REAL = resolve(REPO_ROOT, '../shared/data/real');

const LATIN1_E = Buffer.from([0xe9]);

/** Text with every `é` written as the single Latin-1 byte 0xE9 (invalid UTF-8). */
const latin1 = (text: string) =>
  Buffer.concat(
    text
      .split('é')
      .flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [LATIN1_E, Buffer.from(part)])),
  );

interface Input {
  /** `verso` arguments after `--repo R`, with FILE standing for the written path. */
  readonly args: readonly string[];
  /** Relative path -> text; `é` marks where the Latin-1 mutant gets its 0xE9 byte. */
  readonly files: Readonly<Record<string, string>>;
  /** The file that gets the mutation (and the BOM). */
  readonly target: string;
  /** What the refusal names: file:line or the record. */
  readonly where: string;
  /** The format has no place for text: the valid file has no `é` at all. */
  readonly noText?: boolean;
}

const voc = (name: string) =>
  `<annotation>\n<filename>a.jpg</filename><size><width>100</width><height>80</height></size>\n<object><name>${name}</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bndbox></object>\n</annotation>\n`;
const cvat = (label: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<annotations><version>1.1</version>\n<image id="0" name="a.jpg" width="100" height="80">\n<box label="${label}" occluded="0" xtl="1" ytl="2" xbr="30" ybr="40"></box>\n</image></annotations>\n`;
const coco = (name: string, extra = '') =>
  `{"images":[{"id":1,"file_name":"a.jpg","width":100,"height":80}],\n"categories":[{"id":1,"name":"${name}"}],\n"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[1,2,3,4]${extra}}]}\n`;
const ls = (name: string, extra = '') =>
  JSON.stringify([
    {
      id: 7,
      data: { image: '/data/upload/a.jpg' },
      annotations: [
        {
          id: 1,
          result: [
            {
              id: 'r1',
              type: 'rectanglelabels',
              original_width: 100,
              original_height: 80,
              value: { x: 1, y: 2, width: 3, height: 4, rectanglelabels: [name] },
            },
          ],
        },
      ],
    },
  ]).replace('"id":7', `"id":7${extra}`) + '\n';

const INPUTS: Readonly<Record<string, Input>> = {
  labels: {
    args: ['import', 'labels', 'FILE'],
    files: {
      'l.jsonl':
        '{"image":"a","label":"1","category":"cat"}\n{"image":"a","label":"2","category":"café"}\n',
    },
    target: 'l.jsonl',
    where: 'l.jsonl:2',
  },
  apply: {
    args: ['apply', 'FILE', '--branch', 'main'],
    files: { 'e.jsonl': '{"op":"put","image":"b","label":"1","category":"café"}\n' },
    target: 'e.jsonl',
    where: 'e.jsonl:1',
  },
  coco: {
    args: ['import', 'coco', 'FILE'],
    files: { 'c.json': coco('café') },
    target: 'c.json',
    where: 'c.json categories[0]',
  },
  voc: {
    args: ['import', 'voc', 'FILE'],
    files: { 'a.xml': voc('café') },
    target: 'a.xml',
    where: 'a.xml:3',
  },
  cvat: {
    args: ['import', 'cvat', 'FILE'],
    files: { 'annotations.xml': cvat('café') },
    target: 'annotations.xml',
    where: 'annotations.xml:4',
  },
  'label-studio': {
    args: ['import', 'label-studio', 'FILE'],
    files: { 'export.json': ls('café') },
    target: 'export.json',
    where: 'export.json:1',
  },
  'yolo data.yaml': {
    args: ['import', 'yolo', 'DIR', '--images', 'DIR/images'],
    files: {
      'data.yaml': 'names: [cat, café]\ntrain: images/train\n',
      'labels/train/a.txt': '1 0.5 0.5 0.2 0.2\n',
    },
    target: 'data.yaml',
    where: 'data.yaml:1',
  },
  'yolo label file': {
    args: ['import', 'yolo', 'DIR', '--images', 'DIR/images'],
    files: {
      'data.yaml': 'names: [cat, dog]\ntrain: images/train\n',
      'labels/train/a.txt': '0 0.5 0.5 0.2 0.2\n1 0.1 0.1 0.1 0.1é\n',
    },
    target: 'labels/train/a.txt',
    where: 'a.txt:2',
    noText: true,
  },
};

/**
 * Writes `input` under a new folder, the target as `bytes(text, valid)` when given (`valid`: the
 * text without the marks a `noText` format cannot hold); returns the CLI args.
 */
function place(
  name: string,
  input: Input,
  bytes?: (text: string, valid: string) => Buffer,
): string[] {
  const dir = tmp.dir(name);
  for (const [rel, text] of Object.entries(input.files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    const valid = input.noText ? text.replaceAll('é', '') : text;
    writeFileSync(join(dir, rel), rel !== input.target ? text : bytes ? bytes(text, valid) : valid);
  }
  mkdirSync(join(dir, 'images', 'train'), { recursive: true });
  writeFileSync(join(dir, 'images', 'train', 'a.png'), png(100, 80));
  const file = join(dir, input.target);
  return input.args.map((a) => a.replace('FILE', file).replace('DIR', dir));
}

/** A PNG header (signature + IHDR) is all a size read needs. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 6, 0, 0, 0], 16);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

/** Runs every refusal on one repository (side by side) and checks that `main` never moved. */
async function refusals(
  repo: TestRepo,
  cases: readonly { args: readonly string[]; fragments: readonly (string | RegExp)[] }[],
): Promise<void> {
  const head = await repo.head();
  const runs = await Promise.all(cases.map((c) => repo.run(c.args)));
  runs.forEach((r, i) => expectFailure(r, 1, ...cases[i]!.fragments));
  for (const r of runs) expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(await repo.head()).toBe(head);
}

describe.concurrent('text that is not UTF-8', () => {
  it('is refused by every importer with file and line (never stored as U+FFFD), branch unchanged', async () => {
    const repo = await freshRepo(tmp.root(), 'latin1');
    await refusals(
      repo,
      Object.entries(INPUTS).map(([name, input]) => ({
        args: place(`latin1-${name.replace(' ', '-')}`, input, latin1),
        fragments: [input.where, 'invalid UTF-8', '(bytes 0xE9)'],
      })),
    );
  });

  it('a schema file that is not UTF-8 is refused with its line', async () => {
    const repo = await freshRepo(tmp.root(), 'schema');
    const file = join(tmp.dir('schema'), 'schema.yaml');
    writeFileSync(file, latin1('classes:\n  - id: 1\n    name: café\n'));
    expectFailure(
      await repo.run(['schema', 'create', '1.0', '--from', file]),
      1,
      `${file}:3`,
      'invalid UTF-8',
    );
  });

  it('lone surrogate escapes are refused naming the record and the field', async () => {
    const repo = await freshRepo(tmp.root(), 'surrogates');
    const dir = tmp.dir('surrogates');
    const write = (name: string, text: string) => (
      writeFileSync(join(dir, name), text),
      join(dir, name)
    );
    await refusals(repo, [
      {
        args: [
          'import',
          'coco',
          write('id.json', coco('cat').replace('"id":1,"image_id"', '"id":"\\ud800","image_id"')),
        ],
        fragments: ['id.json annotations[0] (id "\\ud800") field \'id\'', 'lone UTF-16 surrogate'],
      },
      {
        args: [
          'import',
          'label-studio',
          write('ls.json', ls('cXat').replace('cXat', 'c\\udc00at')),
        ],
        fragments: [
          "ls.json document field 'tasks[0].annotations[0].result[0].value.rectanglelabels[0]'",
          'lone UTF-16 surrogate',
        ],
      },
      {
        args: [
          'import',
          'labels',
          write('l.jsonl', '{"image":"a","label":"1","note":"\\ud800"}\n'),
        ],
        fragments: ["l.jsonl:1 field 'note'", 'lone UTF-16 surrogate'],
      },
    ]);
  });
});

describe.concurrent('XML entities and deep nesting', () => {
  it('refuses DTDs and undefined entities, decodes character references', async () => {
    const repo = await freshRepo(tmp.root(), 'xml');
    const dir = tmp.dir('xml');
    const write = (name: string, text: string) => (
      writeFileSync(join(dir, name), text),
      join(dir, name)
    );
    const bomb = '<!DOCTYPE annotation [<!ENTITY lol "lol"><!ENTITY lol8 "&lol;&lol;&lol;">]>\n';
    await refusals(repo, [
      {
        args: ['import', 'voc', write('bomb.xml', bomb + voc('train&lol8;'))],
        fragments: ['bomb.xml:1', 'no DTDs', 'expands no entities'],
      },
      {
        args: [
          'import',
          'cvat',
          write(
            'xxe.xml',
            cvat('&xxe;').replace(
              '?>',
              '?>\n<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
            ),
          ),
        ],
        fragments: ['xxe.xml:2', 'no DTDs'],
      },
      {
        args: ['import', 'voc', write('undefined.xml', voc('train&lol8;'))],
        fragments: ['undefined.xml:3', "undefined entity '&lol8;'"],
      },
    ]);
    await repo.ok(['import', 'voc', write('refs.xml', voc('caf&#233; &amp; cr&#xE8;me'))]);
    expect((await repo.cat())[0]).toMatchObject({ category: 'café & crème' });
  });

  it('refuses deep nesting with the file and the place, never a stack overflow', async () => {
    const repo = await freshRepo(tmp.root(), 'deep');
    const dir = tmp.dir('deep');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const write = (name: string, text: string) => (
      writeFileSync(join(dir, name), text),
      join(dir, name)
    );
    await refusals(repo, [
      {
        args: ['import', 'coco', write('deep.json', coco('cat', `,"x":${deep}`))],
        fragments: ['deep.json annotations[0]', 'nested more than 64 levels'],
      },
      {
        args: ['import', 'label-studio', write('deep-ls.json', ls('cat', `,"x":${deep}`))],
        fragments: ["deep-ls.json document field 'tasks[0].x[0]", 'nested more than 64 levels'],
      },
      {
        args: ['import', 'labels', write('deep.jsonl', `{"image":"a","label":"1","x":${deep}}\n`)],
        fragments: ["deep.jsonl:1 field 'x[0]", 'nested more than 64 levels'],
      },
      {
        args: [
          'import',
          'voc',
          write('deep.xml', voc('<a>'.repeat(100_000) + 'x' + '</a>'.repeat(100_000))),
        ],
        fragments: ['deep.xml:3', 'nested more than 64 levels'],
      },
    ]);
  });
});

describe.concurrent('files of another kind', () => {
  it('are refused saying what they are and what to do', async () => {
    const repo = await freshRepo(tmp.root(), 'kinds');
    const jsonl = join(tmp.dir('kinds'), 'labels.jsonl');
    writeFileSync(jsonl, '{"image":"a","label":"1"}\n{"image":"a","label":"2"}\n');
    const real = (p: string) => join(REAL, p);
    await refusals(repo, [
      {
        args: [
          'import',
          'coco',
          real('coco/cocoapi/results/instances_val2014_fakebbox100_results.json'),
        ],
        fragments: [
          'this is a COCO results list',
          'importing predictions is not supported yet',
          'verso predict record',
        ],
      },
      {
        args: ['import', 'coco', real('coco/panopticapi/sample_data/panoptic_examples.json')],
        fragments: ['this is a COCO panoptic file', 'convert it to COCO instances'],
      },
      {
        args: [
          'import',
          'label-studio',
          real(
            'label_studio/dagshub-annotation-converter/tests/label_studio_video/res/sample_task.json',
          ),
        ],
        fragments: ['Label Studio video task', 'video tracking is not supported yet'],
      },
      {
        args: ['import', 'coco', real('yolo/hub/example_datasets/coco8')],
        fragments: [
          'is a folder: this is a YOLO dataset folder, not a COCO instances file\n',
          'verso: hint: use `verso import yolo`',
        ],
      },
      {
        args: [
          'import',
          'cvat',
          real(
            'pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format/2007_000027.xml',
          ),
        ],
        fragments: [
          'this is a Pascal VOC annotation, not a CVAT for images 1.1 XML file\n',
          'verso: hint: use `verso import voc`',
        ],
      },
      {
        args: ['import', 'coco', jsonl],
        fragments: [
          'this is a JSONL label file, not a COCO instances file\n',
          'verso: hint: use `verso import labels`',
        ],
      },
      {
        args: ['import', 'labels', real('coco/mmpose/tests/data/coco/test_coco.json')],
        fragments: [
          'this is a COCO instances file, not a JSONL label file\n',
          'verso: hint: use `verso import coco`',
        ],
      },
      {
        args: ['import', 'yolo', real('coco/mmpose/tests/data/coco/test_coco.json')],
        fragments: ['this is a COCO instances file, not a YOLO dataset'],
      },
    ]);
  });

  it('a CVAT project whose tasks reuse frame names is refused; --task imports one task', async () => {
    const repo = await freshRepo(tmp.root(), 'cvat-tasks');
    const file = join(REAL, 'cvat/BallVisionSCAI/annotations.xml');
    await refusals(repo, [
      {
        args: ['import', 'cvat', file],
        fragments: [
          "<image> #83 (name 'frame_000000') field 'task_id'",
          "task 1267507 ('val') reuses frame names of task 1249509",
          '--task ID',
        ],
      },
      { args: ['import', 'cvat', file, '--task', '42'], fragments: ['no <image> of task 42'] },
    ]);
    await repo.ok(['import', 'cvat', file, '--task', '1267507']);
    const show = await repo.show();
    expect(show.counts.assets).toBe(5);
  });
});
