/**
 * Seeded, bounded mutation fuzzing of every importer, in process on a real repository.
 *
 * Each importer starts from real files (`../shared/data/real`, see its MANIFEST.md) and is fed
 * mutants of them: byte and bit flips, truncations, duplicated and deleted lines, deep nesting,
 * huge numbers, byte order marks, invalid UTF-8, lone surrogate escapes, XML entities and
 * DOCTYPEs, and files of another format. For every mutant:
 * - the import ends within a time bound (no hang, no quadratic blow-up);
 * - a failure is a `VersoError` that is not `Internal` and whose message names the file;
 * - a failure leaves the branch where it was (nothing half-written);
 * - a mutant that can only be refused (not UTF-8, a UTF-16 mark, a DTD, another format) is;
 * - a UTF-8 byte order mark changes nothing: the mutant imports exactly like the original;
 * - a success stores no U+FFFD and no entity reference the original did not have.
 * Mutants are drawn from a fixed seed per importer, so a failure names a reproducible case.
 */
import { isUtf8 } from 'node:buffer';
import {
  appendFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVersoError } from '../../core/errors.js';
import { applyEdits } from '../write/apply-edits.js';
import { branchHead } from '../write/branch-head.js';
import { catLabels } from '../read/cat.js';
import { importCoco } from './import-coco.js';
import { importCvat } from './import-cvat.js';
import { importLabelStudio } from './import-label-studio.js';
import { importLabels } from '../ingest/import-labels.js';
import { importVoc } from './import-voc.js';
import { importYolo } from './import-yolo.js';
import { initRepository } from '../repository/init-repository.js';
import { createBranch } from '../repository/refs.js';
import { type Repository } from '../repository/repository.js';
import { openRepository } from '../repository/compose.js';

const REAL = resolve(fileURLToPath(new URL('../../..', import.meta.url)), '../shared/data/real');
/**
 * Mutants per importer: the suite stays within a few tens of seconds. A longer local run:
 * `VERSO_FUZZ_MUTANTS=2000 VERSO_FUZZ_SEED=7 npx vitest run src/api/importer-fuzz.test.ts`;
 * `VERSO_FUZZ_LOG=FILE` appends every refusal message to FILE for reading.
 */
const MUTANTS = Number(process.env['VERSO_FUZZ_MUTANTS'] ?? 100);
const SEED = 20260210 + Number(process.env['VERSO_FUZZ_SEED'] ?? 0);
const LOG = process.env['VERSO_FUZZ_LOG'];
/** One import of a small file takes well under a second; a hang or a blow-up takes far more. */
const MAX_IMPORT_MS = 15_000;

type Syntax = 'json' | 'jsonl' | 'xml' | 'yaml' | 'text';

interface Seed {
  /** A real file (relative to REAL), or one of the JSONL files made from one (`jsonl:NAME`). */
  readonly file: string;
  readonly syntax: Syntax;
}

interface Target {
  readonly name: string;
  /** The files mutated, in turn (YOLO: its data.yaml and label files). */
  readonly seeds: readonly Seed[];
  /** A real file of another format, fed whole: it must be refused. */
  readonly foreign: string;
  /** Writes the input under `dir` with `seed` replaced by `bytes`; returns the path to import. */
  readonly place?: (dir: string, seed: Seed, bytes: Buffer) => string;
  readonly run: (repo: Repository, path: string, branch: string) => Promise<unknown>;
  /** Prepares `main`, which every mutant's branch starts from (e.g. labels for edits to act on). */
  readonly prepare?: (repo: Repository) => Promise<void>;
}

// ------------------------------------------------------------------ mutations

type Rng = () => number;

/** mulberry32: a small seeded generator, so every run draws the same mutants. */
function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rng, n: number) => Math.floor(r() * n);

interface Mutant {
  readonly what: string;
  readonly bytes: Buffer;
  /** Only a refusal is right for this mutant. */
  readonly mustFail: boolean;
  /** The mutant must import exactly as the original does. */
  readonly sameAsOriginal?: boolean;
}

const splice = (b: Buffer, at: number, remove: number, insert: Buffer | string) =>
  Buffer.concat([b.subarray(0, at), Buffer.from(insert), b.subarray(at + remove)]);

/** Start offsets of every match of `re` in the (latin1 view of the) bytes. */
function positions(b: Buffer, re: RegExp): { at: number; length: number }[] {
  const out: { at: number; length: number }[] = [];
  for (const m of b.toString('latin1').matchAll(re)) out.push({ at: m.index, length: m[0].length });
  return out;
}

function lines(b: Buffer): number[] {
  const starts = [0];
  for (let i = b.indexOf(10); i >= 0 && i + 1 < b.length; i = b.indexOf(10, i + 1))
    starts.push(i + 1);
  return starts;
}

const INVALID_UTF8 = [
  [0xe9],
  [0xc3],
  [0xed, 0xa0, 0x80],
  [0xff],
  [0xc0, 0xaf],
  [0xf4, 0x90, 0x80, 0x80],
];
const DEPTH = 10_000;

function mutate(r: Rng, seed: Buffer, syntax: Syntax, foreign: Buffer): Mutant {
  const n = seed.length;
  const kind = pick(r, [
    'byte flip',
    'bit flip',
    'truncate',
    'duplicate line',
    'delete line',
    'deep nesting',
    'huge number',
    'UTF-8 byte order mark',
    'UTF-16 byte order mark',
    'invalid UTF-8',
    'lone surrogate',
    'entity',
    'another format',
  ] as const);
  const at = int(r, n);
  switch (kind) {
    case 'byte flip': {
      const b = Buffer.from(seed);
      b[at] = int(r, 256);
      return { what: `${kind} at ${at} -> ${b[at]}`, bytes: b, mustFail: !isUtf8(b) };
    }
    case 'bit flip': {
      const b = Buffer.from(seed);
      const bit = int(r, 8);
      b[at] = b[at]! ^ (1 << bit);
      return { what: `${kind} at ${at} bit ${bit}`, bytes: b, mustFail: !isUtf8(b) };
    }
    case 'truncate':
      return {
        what: `${kind} at ${at}`,
        bytes: seed.subarray(0, at),
        mustFail: !isUtf8(seed.subarray(0, at)),
      };
    case 'duplicate line':
    case 'delete line': {
      const starts = lines(seed);
      const i = int(r, starts.length);
      const [s, e] = [starts[i]!, starts[i + 1] ?? n];
      const b =
        kind === 'duplicate line'
          ? splice(seed, s, 0, seed.subarray(s, e))
          : splice(seed, s, e - s, '');
      return { what: `${kind} ${i + 1}`, bytes: b, mustFail: false };
    }
    case 'deep nesting': {
      if (syntax === 'xml') {
        const tags = positions(seed, />[^<\s]/g);
        const p = tags.length ? pick(r, tags).at + 1 : at;
        const b = splice(seed, p, 0, '<d>'.repeat(DEPTH) + '</d>'.repeat(DEPTH));
        return { what: `${kind} at ${p}`, bytes: b, mustFail: true };
      }
      // A number token (not digits inside a string, which would make an id, not nesting).
      const nums = positions(seed, /(?<=[:[,]\s*)-?\d+(\.\d+)?(?=\s*[,\]}\n])/g);
      if (nums.length === 0 || syntax === 'text')
        return { what: `${kind} (none)`, bytes: seed, mustFail: false };
      const { at: p, length } = pick(r, nums);
      const b = splice(seed, p, length, '['.repeat(DEPTH) + '0' + ']'.repeat(DEPTH));
      return { what: `${kind} at ${p}`, bytes: b, mustFail: syntax !== 'yaml' };
    }
    case 'huge number': {
      const nums = positions(seed, /\d+(\.\d+)?/g);
      if (nums.length === 0) return { what: `${kind} (none)`, bytes: seed, mustFail: false };
      const { at: p, length } = pick(r, nums);
      const big = pick(r, ['1e999', '-1e400', '9'.repeat(400), '1' + '0'.repeat(30), '1e-999']);
      return {
        what: `${kind} ${big.slice(0, 8)} at ${p}`,
        bytes: splice(seed, p, length, big),
        mustFail: false,
      };
    }
    case 'UTF-8 byte order mark':
      return {
        what: kind,
        bytes: splice(seed, 0, 0, Buffer.from([0xef, 0xbb, 0xbf])),
        mustFail: false,
        sameAsOriginal: true,
      };
    case 'UTF-16 byte order mark':
      return { what: kind, bytes: splice(seed, 0, 0, Buffer.from([0xff, 0xfe])), mustFail: true };
    case 'invalid UTF-8': {
      const bad = Buffer.from(pick(r, INVALID_UTF8));
      const b = splice(seed, at, 0, bad);
      return { what: `${kind} ${bad.toString('hex')} at ${at}`, bytes: b, mustFail: !isUtf8(b) };
    }
    case 'lone surrogate': {
      if (syntax === 'xml') {
        const tags = positions(seed, />[^<\s]/g);
        const p = tags.length ? pick(r, tags).at + 1 : at;
        return {
          what: `${kind} &#xD800; at ${p}`,
          bytes: splice(seed, p, 0, '&#xD800;'),
          mustFail: false,
        };
      }
      const quotes = positions(seed, /"[A-Za-z]/g);
      const p = quotes.length ? pick(r, quotes).at + 1 : at;
      return { what: `${kind} at ${p}`, bytes: splice(seed, p, 0, '\\udc00'), mustFail: false };
    }
    case 'entity': {
      if (syntax !== 'xml') return { what: `${kind} (not XML)`, bytes: seed, mustFail: false };
      const decl = pick(r, [
        '<!DOCTYPE a [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
        '<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '',
      ]);
      const text = positions(seed, />[^<\s]/g);
      const p = text.length ? pick(r, text).at + 1 : n;
      const ref = decl.includes('xxe') ? '&xxe;' : decl ? '&lol2;' : '&undefined8;';
      const withRef = splice(seed, p, 0, ref);
      const prolog = positions(withRef, /<\?xml[^>]*\?>/g)[0];
      const q = prolog ? prolog.at + prolog.length : 0;
      return {
        what: `${kind} ${ref} at ${p}`,
        bytes: splice(withRef, q, 0, decl),
        mustFail: decl !== '',
      };
    }
    case 'another format':
      return { what: kind, bytes: foreign, mustFail: true };
  }
}

// ------------------------------------------------------------------ targets

const COCO = 'coco/mmpose/tests/data/coco/test_coco.json';
const VOC =
  'pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format/2007_000027.xml';
const CVAT = 'cvat/dagshub-annotation-converter/tests/fs_import/cvat/annotations.xml';
const LS =
  'label_studio/label-studio-sdk/tests/custom/converter/data/test_export_yolo/data_keypoints.json';
const YOLO = 'yolo/hub/example_datasets/coco8';

let root: string;

const TARGETS: readonly Target[] = [
  {
    name: 'labels',
    seeds: [{ file: 'jsonl:labels.jsonl', syntax: 'jsonl' }],
    foreign: COCO,
    run: (repo, file, branch) => importLabels(repo, { file, branch }),
  },
  {
    name: 'apply',
    seeds: [{ file: 'jsonl:edits.jsonl', syntax: 'jsonl' }],
    foreign: VOC,
    prepare: async (repo) =>
      void (await importLabels(repo, { file: join(root, 'labels.jsonl'), branch: 'main' })),
    run: (repo, file, branch) => applyEdits(repo, { file, branch }),
  },
  {
    name: 'coco',
    seeds: [
      { file: COCO, syntax: 'json' },
      { file: 'coco/mmpose/tests/data/ochuman/test_ochuman.json', syntax: 'json' }, // RLE
      {
        file: 'coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
        syntax: 'json',
      },
    ],
    foreign: LS,
    run: (repo, file, branch) => importCoco(repo, { file, branch }),
  },
  {
    name: 'voc',
    seeds: [
      { file: VOC, syntax: 'xml' },
      {
        file: 'pascal_voc/mmdetection/tests/data/VOCdevkit/VOC2012/Annotations/000001.xml',
        syntax: 'xml',
      },
    ],
    foreign: COCO,
    run: (repo, path, branch) => importVoc(repo, { path, branch }),
  },
  {
    name: 'cvat',
    seeds: [
      { file: CVAT, syntax: 'xml' },
      {
        file: 'cvat/review_object_detection_metrics/data/database/gts/cvat_format/annotations.xml',
        syntax: 'xml',
      },
    ],
    foreign: VOC,
    run: (repo, path, branch) => importCvat(repo, { path, branch }),
  },
  {
    name: 'label-studio',
    seeds: [
      { file: LS, syntax: 'json' },
      {
        file: 'label_studio/label-studio-sdk/tests/custom/converter/data/test_export_yolo/data_obb.json',
        syntax: 'json',
      },
      {
        file: 'label_studio/label-studio-sdk/tests/custom/converter/data/test_export_coco/data.json',
        syntax: 'json',
      },
    ],
    foreign: CVAT,
    run: (repo, path, branch) => importLabelStudio(repo, { path, branch }),
  },
  {
    name: 'yolo',
    seeds: [
      { file: `${YOLO}/coco8.yaml`, syntax: 'yaml' },
      { file: `${YOLO}/labels/train/000000000009.txt`, syntax: 'text' },
      { file: `${YOLO}/labels/val/000000000036.txt`, syntax: 'text' },
    ],
    foreign: COCO,
    place: (dir, seed, bytes) => yoloMutant(dir, seed, bytes),
    run: (repo, path, branch) => importYolo(repo, { path, branch }),
  },
];

/** coco8 with `seed` replaced by `bytes`; every other file hard-linked to the real one. */
function yoloMutant(dir: string, seed: Seed, bytes: Buffer): string {
  const base = join(REAL, YOLO);
  const out = join(dir, 'coco8');
  for (const file of listFiles(base)) {
    const to = join(out, file.slice(base.length + 1));
    mkdirSync(dirname(to), { recursive: true });
    if (file === join(REAL, seed.file)) writeFileSync(to, bytes);
    else linkOrCopy(file, to);
  }
  return out;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    writeFileSync(to, readFileSync(from)); // another file system
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

// ------------------------------------------------------------------ the run

async function collect(repo: Repository, branch: string): Promise<string> {
  let out = '';
  for await (const line of catLabels(repo, branch)) out += line + '\n';
  return out;
}

const count = (s: string, sub: string) => s.split(sub).length - 1;

/** The JSONL seeds: `cat` of the real COCO file's import, and an edit batch over it. */
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'verso-fuzz-'));
  await initRepository(join(root, 'seed-repo'));
  const repo = await openRepository(join(root, 'seed-repo'));
  try {
    await importCoco(repo, { file: join(REAL, COCO), branch: 'main' });
    const lines = (await collect(repo, 'main')).trimEnd().split('\n');
    writeFileSync(join(root, 'labels.jsonl'), lines.join('\n') + '\n');
    const edits = lines.map((l, i) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      return i === 0
        ? JSON.stringify({ op: 'delete', image: o['image'], label: o['label'] })
        : JSON.stringify({ op: 'put', ...o, note: `edit ${i}` });
    });
    writeFileSync(join(root, 'edits.jsonl'), edits.join('\n') + '\n');
  } finally {
    await repo.close();
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const seedPath = (seed: Seed) =>
  seed.file.startsWith('jsonl:') ? join(root, seed.file.slice(6)) : join(REAL, seed.file);

describe.each(TARGETS.map((t, i) => [t.name, t, i] as const))(
  '%s importer',
  (_name, target, index) => {
    it('reads every seed file with a UTF-8 byte order mark exactly as without', async () => {
      const dir = join(root, `${target.name}-bom`);
      await initRepository(join(dir, 'repo'));
      const repo = await openRepository(join(dir, 'repo'));
      try {
        await target.prepare?.(repo);
        for (const [i, seed] of target.seeds.entries()) {
          const bytes = readFileSync(seedPath(seed));
          const snapshots = [];
          for (const [name, b] of [
            [`plain-${i}`, bytes],
            [`bom-${i}`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])],
          ] as const) {
            const d = join(dir, name);
            mkdirSync(d, { recursive: true });
            const path = target.place
              ? target.place(d, seed, b)
              : join(d, basename(seed.file.replace(/^jsonl:/, '')));
            if (!target.place) writeFileSync(path, b);
            await createBranch(repo, name, 'main');
            await target.run(repo, path, name);
            snapshots.push((await branchHead(repo, name)).snapshot);
          }
          expect(snapshots[1], `${seed.file} with a byte order mark`).toEqual(snapshots[0]);
        }
      } finally {
        await repo.close();
      }
    });

    it(`survives ${MUTANTS} seeded mutants of real files`, async () => {
      const dir = join(root, target.name);
      mkdirSync(dir);
      await initRepository(join(dir, 'repo'));
      const repo = await openRepository(join(dir, 'repo'));
      const problems: string[] = [];
      const place = (name: string, seed: Seed, bytes: Buffer) => {
        const d = join(dir, name);
        mkdirSync(d);
        if (target.place) return target.place(d, seed, bytes);
        const file = join(d, `input-${name}${basename(seed.file).replace(/^[^.]*/, '')}`);
        writeFileSync(file, bytes);
        return file;
      };
      /** Runs the import on a new branch from `main`: [error or undefined, the branch's labels]. */
      const attempt = async (name: string, path: string) => {
        await createBranch(repo, name, 'main');
        const before = (await branchHead(repo, name)).head;
        const t0 = performance.now();
        let error: unknown;
        try {
          await target.run(repo, path, name);
        } catch (e) {
          error = e;
        }
        const ms = performance.now() - t0;
        const moved = (await branchHead(repo, name)).head !== before;
        return { error, ms, moved, stored: error === undefined ? await collect(repo, name) : '' };
      };
      try {
        await target.prepare?.(repo);
        const foreign = readFileSync(join(REAL, target.foreign));
        const originals = [];
        for (const [i, seed] of target.seeds.entries()) {
          const bytes = readFileSync(seedPath(seed));
          const run = await attempt(`original-${i}`, place(`original-${i}`, seed, bytes));
          expect(run.error, `the original ${seed.file} imports`).toBeUndefined();
          originals.push({ seed, bytes, stored: run.stored });
        }
        const r = rng(SEED + index * 7919);
        for (let n = 0; n < MUTANTS; n++) {
          const { seed, bytes, stored: original } = originals[n % originals.length]!;
          const m = mutate(r, bytes, seed.syntax, foreign);
          const label = `#${n} ${basename(seed.file)}: ${m.what}`;
          const { error, ms, moved, stored } = await attempt(
            `m${n}`,
            place(`m${n}`, seed, m.bytes),
          );
          if (ms > MAX_IMPORT_MS) problems.push(`${label}: took ${Math.round(ms)} ms`);
          if (error === undefined) {
            if (m.mustFail) problems.push(`${label}: accepted; only a refusal is right`);
            if (count(stored, '\uFFFD') > count(original, '\uFFFD'))
              problems.push(`${label}: stored a U+FFFD replacement character`);
            if (/&(lol2?|xxe|undefined8);/.test(stored))
              problems.push(`${label}: stored an entity reference`);
            if (m.sameAsOriginal && stored !== original)
              problems.push(`${label}: imported differently from the original`);
            continue;
          }
          const message = (error as Error)?.message ?? String(error);
          if (LOG) appendFileSync(LOG, `${target.name} ${label}\n  ${message}\n`);
          if (!isVersoError(error))
            problems.push(
              `${label}: not a VersoError: ${String((error as Error)?.stack ?? error)}`,
            );
          else if (error.category === 'Internal')
            problems.push(`${label}: internal error: ${message}`);
          if (!message.includes(target.place ? `m${n}` : `input-m${n}`))
            problems.push(`${label}: the message does not name the file: ${message}`);
          if (/call stack|\bundefined\b(?! entity)|\[object|TypeError|RangeError/.test(message))
            problems.push(`${label}: unclear message: ${message}`);
          if (moved) problems.push(`${label}: the branch moved after a refusal`);
          if (m.sameAsOriginal)
            problems.push(`${label}: refused (${message}); the original imports`);
        }
      } finally {
        await repo.close();
      }
      expect(problems).toEqual([]);
    });
  },
);
