/**
 * `npm run bench -- annotators [--objects 100000] [--per-image 10] [--agree 0.85]` (layer:
 * bench): several annotators on one image (issue 18), in-process through the API.
 *
 * Three annotators (a, b, c) label `--objects` objects (`--per-image` per image, COCO-like
 * content: category_id, bbox, area, iscrowd). a's labels are the references; b and c each agree
 * exactly with probability `--agree` and otherwise move the box by a few pixels (and, one time
 * in five, pick another class). The trees are built bottom-up from the records the import path
 * writes (`annotation-record.ts` encoders, the same bytes `labeling-trees.ts` stores: trees are
 * history independent) and committed, one commit per layout, on three branches of one repository:
 * - one labeling: a's labels in the labels tree;
 * - several annotators: the objects and annotations trees;
 * - (for comparison) the annotations one record per (image, annotator): the list of the objects
 *   the annotator labelled, with a patch where they differ;
 * - naive: every annotator's labels as labels, keys (image, `<object>#<annotator>`).
 * Measured: the chunk bytes each layout's trees hold (walking their nodes: what sync and a
 * remote store carry), the LMDB store's growth per commit (LZ4-compressed), `consensus
 * --strategy majority` and `weighted` (targets at 1M: <= 60 s), `agreement` (<= 10 s).
 * Prints the table and writes `bench-results/annotators.json`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeValue, type JsonValue } from '../src/core/canonical.js';
import { hashToHex } from '../src/core/hash.js';
import { consensus } from '../src/api/annotators/consensus.js';
import { agreement } from '../src/api/annotators/agreement.js';
import { openRepository } from '../src/api/repository/compose.js';
import { initRepository } from '../src/api/repository/init-repository.js';
import { createBranch } from '../src/api/repository/refs.js';
import type { Repository } from '../src/api/repository/repository.js';
import { writeToBranch } from '../src/api/write/write-to-branch.js';
import {
  annotationOf,
  encodeAnnotation,
  encodeAnnotationKey,
  encodeObjectKey,
  encodeReference,
} from '../src/dataset/annotation-record.js';
import type { LabelContent } from '../src/dataset/label-line.js';
import type { TreeName } from '../src/dataset/tree-names.js';
import { TreeBuilder } from '../src/tree/builder.js';
import { encodeLz4Block } from '../src/store/pack/lz4-encode.js';
import { diskUsage, timeMs } from './measure.js';
import { Rng } from './rng.js';
import { benchLog, fmtNumber, renderTable, type TableRow } from './table.js';

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '100000' },
    'per-image': { type: 'string', default: '10' },
    agree: { type: 'string', default: '0.85' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const OBJECTS = Number(values.objects);
const PER_IMAGE = Number(values['per-image']);
const AGREE = Number(values.agree);
const ANNOTATORS = ['a', 'b', 'c'];
const log = benchLog('annotators');

const imageId = (i: number) => `img-${String(i).padStart(8, '0')}`;
const r1 = (x: number) => Math.round(x * 10) / 10;

interface Obj {
  readonly image: string;
  readonly object: string;
  /** Per annotator, in ANNOTATORS order. */
  readonly contents: readonly LabelContent[];
}

/** The objects in key order (image, object); object ids are 1..per-image within an image. */
function* objects(rng: Rng): Generator<Obj> {
  const ids = Array.from({ length: PER_IMAGE }, (_, k) => String(k + 1)).sort();
  for (let i = 0; i * PER_IMAGE < OBJECTS; i++)
    for (const object of ids) {
      const [x, y, w, h] = [
        r1(rng.float() * 600),
        r1(rng.float() * 400),
        r1(20 + rng.float() * 80),
        r1(20 + rng.float() * 80),
      ];
      const category_id = 1 + Math.floor(rng.float() * 20);
      const ref: LabelContent = { category_id, bbox: [x, y, w, h], area: r1(w * h), iscrowd: 0 };
      const contents = [ref];
      for (let a = 1; a < ANNOTATORS.length; a++) {
        if (rng.float() < AGREE) contents.push(ref);
        else {
          const dx = r1((rng.float() - 0.5) * 6);
          const cls = rng.float() < 0.2 ? 1 + ((category_id + a) % 20) : category_id;
          contents.push({ ...ref, category_id: cls, bbox: [r1(x + dx), y, w, h] });
        }
      }
      yield { image: imageId(i), object, contents };
    }
}

/** The bytes of a tree's nodes, as encoded and as LZ4 blocks (what packs and LMDB store). */
async function treeBytes(repo: Repository, root: Uint8Array): Promise<Sizes> {
  const total = { raw: 0, lz4: 0 };
  const walk = async (hash: Uint8Array): Promise<void> => {
    const node = await repo.nodes.load(hash);
    const bytes = (await repo.chunks.get(hash))!;
    total.raw += bytes.length;
    total.lz4 += encodeLz4Block(bytes)?.length ?? bytes.length;
    if (node.level > 0) for (const child of node.values) await walk(child);
  };
  await walk(root);
  return total;
}

interface Sizes {
  raw: number;
  lz4: number;
}

/** Builds the layout's trees and commits them on `branch`; its bytes and the store's growth. */
async function commitLayout(
  repo: Repository,
  dir: string,
  branch: string,
  build: () => Promise<Partial<Record<TreeName, Uint8Array>>>,
): Promise<{ bytes: number; lz4: number; growth: number; ms: number }> {
  const before = diskUsage(join(dir, '.verso', 'chunks'));
  let bytes = 0;
  let lz4 = 0;
  const t = await timeMs(() =>
    writeToBranch(repo, branch, async (base) => {
      const trees = await build();
      for (const root of Object.values(trees)) {
        const size = await treeBytes(repo, root);
        bytes += size.raw;
        lz4 += size.lz4;
      }
      const hex = Object.fromEntries(Object.entries(trees).map(([k, v]) => [k, hashToHex(v)]));
      return {
        snapshot: { ...base.snapshot, trees: { ...base.snapshot.trees, ...hex } },
        message: `bench: ${branch}`,
        operations: { op: 'bench' },
        report: {},
      };
    }),
  );
  return { bytes, lz4, growth: diskUsage(join(dir, '.verso', 'chunks')) - before, ms: t.ms };
}

async function builtFrom(
  repo: Repository,
  entries: () => Generator<readonly [Uint8Array, Uint8Array]>,
): Promise<Uint8Array> {
  const b = new TreeBuilder(repo.nodes);
  let n = 0;
  for (const [k, v] of entries()) {
    b.add(k, v);
    if (++n % 4096 === 0) await repo.chunks.ready();
  }
  return b.finish();
}

const work = mkdtempSync(join(tmpdir(), 'verso-bench-annotators-'));
try {
  const dir = join(work, 'repo');
  await initRepository(dir);
  const repo = await openRepository(dir);
  for (const b of ['labeling', 'annotators', 'per-image', 'naive'])
    await createBranch(repo, b, 'main');
  const seed = Number(values.seed);
  log(`one labeling: ${OBJECTS} labels`);
  const one = await commitLayout(repo, dir, 'labeling', async () => ({
    labels: await builtFrom(repo, function* () {
      for (const o of objects(new Rng(seed)))
        yield [encodeObjectKey(o.image, o.object), encodeReference(o.contents[0]!)] as const;
    }),
  }));
  log(`several annotators: ${OBJECTS} objects x ${ANNOTATORS.length} annotations`);
  const several = await commitLayout(repo, dir, 'annotators', async () => ({
    objects: await builtFrom(repo, function* () {
      for (const o of objects(new Rng(seed)))
        yield [encodeObjectKey(o.image, o.object), encodeReference(o.contents[0]!)] as const;
    }),
    annotations: await builtFrom(repo, function* () {
      for (const o of objects(new Rng(seed)))
        for (let a = 0; a < ANNOTATORS.length; a++) {
          const delta = annotationOf(o.contents[0]!, o.contents[a]!, o.object, o.object);
          yield [
            encodeAnnotationKey(o.image, o.object, ANNOTATORS[a]!),
            encodeAnnotation(delta),
          ] as const;
        }
    }),
  }));
  log('alternative: one record per (image, annotator)');
  const perImage = await commitLayout(repo, dir, 'per-image', async () => ({
    objects: await builtFrom(repo, function* () {
      for (const o of objects(new Rng(seed)))
        yield [encodeObjectKey(o.image, o.object), encodeReference(o.contents[0]!)] as const;
    }),
    annotations: await builtFrom(repo, function* () {
      let image: string | undefined;
      let rows: JsonValue[][] = ANNOTATORS.map(() => []);
      const flush = function* () {
        for (let a = 0; a < ANNOTATORS.length; a++)
          yield [encodeObjectKey(image!, ANNOTATORS[a]!), encodeValue(rows[a])] as const;
      };
      for (const o of objects(new Rng(seed))) {
        if (image !== undefined && o.image !== image) {
          yield* flush();
          rows = ANNOTATORS.map(() => []);
        }
        image = o.image;
        ANNOTATORS.forEach((_, a) => {
          const delta = annotationOf(o.contents[0]!, o.contents[a]!, o.object, o.object);
          rows[a]!.push(delta.patch ? [o.object, delta.patch] : o.object);
        });
      }
      if (image !== undefined) yield* flush();
    }),
  }));
  log(`naive: ${OBJECTS * ANNOTATORS.length} labels`);
  const naive = await commitLayout(repo, dir, 'naive', async () => ({
    labels: await builtFrom(repo, function* () {
      for (const o of objects(new Rng(seed)))
        for (let a = 0; a < ANNOTATORS.length; a++)
          yield [
            encodeObjectKey(o.image, `${o.object}#${ANNOTATORS[a]}`),
            encodeReference(o.contents[a]!),
          ] as const;
    }),
  }));
  log('agreement');
  const agree = await timeMs(() => agreement(repo, 'annotators'));
  log('consensus --strategy majority');
  const majority = await timeMs(() =>
    consensus(repo, { branch: 'annotators', strategy: 'majority' }),
  );
  log('consensus --strategy weighted');
  const weighted = await timeMs(() =>
    consensus(repo, { branch: 'annotators', strategy: 'weighted' }),
  );
  await repo.close();
  const big = OBJECTS >= 1_000_000;
  const mib = (x: number) => `${fmtNumber(x / 2 ** 20)} MiB`;
  type Layout = typeof one;
  /** A layout's size against one labeling: raw chunk bytes, LZ4 bytes, the store's growth. */
  const layoutRows = (name: string, l: Layout, target: boolean): TableRow[] => [
    {
      operation: `${name}: chunk bytes`,
      measured: `${mib(l.bytes)} = ${fmtNumber(l.bytes / one.bytes, 2)}x one labeling`,
      target: target ? '<= 1.3x' : '',
      ok: target ? l.bytes / one.bytes <= 1.3 : null,
    },
    {
      operation: `${name}: stored (LZ4, as packs and LMDB hold them)`,
      measured: `${mib(l.lz4)} = ${fmtNumber(l.lz4 / one.lz4, 2)}x; LMDB grew ${mib(l.growth)} = ${fmtNumber(l.growth / Math.max(1, one.growth), 2)}x`,
      target: target ? '<= 1.3x' : '',
      ok: target ? l.lz4 / one.lz4 <= 1.3 : null,
    },
  ];
  const rows: TableRow[] = [
    {
      operation: `one labeling (labels tree), ${fmtNumber(OBJECTS, 0)} labels`,
      measured: `${mib(one.bytes)} chunks, ${mib(one.lz4)} LZ4, LMDB grew ${mib(one.growth)}`,
      target: '',
      ok: null,
    },
    ...layoutRows(`3 annotators, ${AGREE * 100}% agreeing: objects + annotations`, several, true),
    ...layoutRows('alternative: annotations keyed (image, annotator)', perImage, false),
    ...layoutRows('naive: 3 labelings as labels', naive, false),
    {
      operation: `agreement over ${fmtNumber(OBJECTS, 0)} objects`,
      measured: `${fmtNumber(agree.ms / 1000, 2)} s (F1 ${fmtNumber(agree.value.f1 ?? 0, 3)}, Fleiss ${fmtNumber(agree.value.fleiss_kappa ?? 0, 3)})`,
      target: big ? '<= 10 s' : '',
      ok: big ? agree.ms <= 10_000 : null,
    },
    {
      operation: 'consensus --strategy majority (one commit)',
      measured: `${fmtNumber(majority.ms / 1000, 2)} s, ${fmtNumber(majority.value.written, 0)} labels`,
      target: big ? '<= 60 s' : '',
      ok: big ? majority.ms <= 60_000 : null,
    },
    {
      operation: 'consensus --strategy weighted (agreement pass + fusion)',
      measured: `${fmtNumber(weighted.ms / 1000, 2)} s`,
      target: big ? '<= 60 s' : '',
      ok: big ? weighted.ms <= 60_000 : null,
    },
  ];
  const title = `Verso annotators benchmark: ${cpus().length} cores, node ${process.version}, ${new Date().toISOString()}`;
  process.stdout.write(renderTable(title, rows));
  mkdirSync(values.out, { recursive: true });
  writeFileSync(
    join(values.out, 'annotators.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        objects: OBJECTS,
        agree: AGREE,
        bytes: {
          labeling: one.bytes,
          annotators: several.bytes,
          perImage: perImage.bytes,
          naive: naive.bytes,
        },
        lz4Bytes: {
          labeling: one.lz4,
          annotators: several.lz4,
          perImage: perImage.lz4,
          naive: naive.lz4,
        },
        storeGrowth: {
          labeling: one.growth,
          annotators: several.growth,
          perImage: perImage.growth,
          naive: naive.growth,
        },
        agreementMs: agree.ms,
        consensusMs: { majority: majority.ms, weighted: weighted.ms },
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
