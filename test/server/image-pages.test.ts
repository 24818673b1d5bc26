/**
 * `GET /images`, the gallery's pages (issue 15), against a real server on the real PASCAL VOC
 * images (100 images with asset records, their 273 boxes from the CVAT COCO export) plus 20,000
 * generated labels on the same images: pages by position and by cursor together give every
 * image exactly once, in the order of `GET /assets`, each with exactly the labels `GET /labels`
 * gives for it; filtered pages give exactly the images and labels of `GET /labels?where=`; a
 * page reads O(page) tree nodes, not the whole ref; bad combinations are 400s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLabels } from '../../src/api/ingest/index.js';
import { importCoco } from '../../src/api/interchange/index.js';
import { catLabelBlocks, imagePage } from '../../src/api/read/index.js';
import { startTestServer, type TestServer } from './harness.js';

const REAL = join(import.meta.dirname, '../../../shared/data/real');
const COCO = join(
  REAL,
  'coco/review_object_detection_metrics/data/database/gts/coco_format_v1/instances_default.json',
);
const IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');
const EXTRA_PER_IMAGE = 200;
const WHERE = 'class = person';
/** Matches the 273 COCO boxes and none of the generated ones: answered by a scan. */
const SCANNED = 'not class = car';
/** A scan that joins the assets tree (read from the page's cursor on, not from the start). */
const SCANNED_WITH_ASSETS = 'not class = car and image.width >= 400';

interface PageAnswer {
  commit: string;
  total?: number;
  offset?: number;
  images: { image: string; asset?: { image: string; width: number }; labels: Lbl[] }[];
  next?: string;
}
interface Lbl {
  image: string;
  label: string;
  [k: string]: unknown;
}

const dir = mkdtempSync(join(tmpdir(), 'verso-image-pages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let s: TestServer;
/**
 * Tree node loads of one page of 2 images, of a filtered page (a scan plan) after the 91st of
 * the 100 images, and of reading every label (`verso cat`).
 */
const loads = { page: 0, scannedPage: 0, all: 0 };

beforeAll(async () => {
  s = await startTestServer({
    setup: async (repo) => {
      await importCoco(repo, { file: COCO, branch: 'main', images: IMAGES });
      const images: string[] = [];
      // An import replaces the labels of the branch: the file keeps the COCO ones.
      const extra: string[] = [];
      for await (const block of catLabelBlocks(repo, 'main'))
        for (const line of block.toString('utf8').split('\n'))
          if (line !== '') {
            images.push((JSON.parse(line) as Lbl).image);
            extra.push(line);
          }
      for (const image of new Set(images))
        for (let i = 0; i < EXTRA_PER_IMAGE; i++)
          extra.push(
            JSON.stringify({ image, label: `g${i}`, category: 'car', bbox: [i, i, 10, 10] }),
          );
      const file = join(dir, 'extra.jsonl');
      writeFileSync(file, extra.join('\n') + '\n');
      await importLabels(repo, { file, branch: 'main' });

      // Count the node loads of the same reads on the library the route calls.
      const nodes = repo.nodes;
      const load = nodes.load.bind(nodes);
      let n = 0;
      nodes.load = (hash, cache) => {
        n++;
        return load(hash, cache);
      };
      await imagePage(repo, 'main', { offset: 40, limit: 2 });
      loads.page = n;
      n = 0;
      const late = [...new Set(images)][90]!;
      await imagePage(repo, 'main', { where: SCANNED, after: late, limit: 2 });
      loads.scannedPage = n;
      n = 0;
      for await (const _ of catLabelBlocks(repo, 'main'));
      loads.all = n;
      nodes.load = load;
    },
  });
}, 120_000);

const get = async (query: string) => {
  const answer = await s.http('GET', s.repoPath(`/images?${query}`), { token: s.tokens.read });
  return answer;
};
const page = async (query: string) => {
  const answer = await get(query);
  expect(answer.status, answer.text).toBe(200);
  return answer.json() as PageAnswer;
};

/** Every label of `GET /labels` (optionally filtered), grouped by image in order. */
async function labelsByImage(where?: string): Promise<Map<string, Lbl[]>> {
  const q = where ? `?where=${encodeURIComponent(where)}` : '';
  const lines = (await s.http('GET', s.repoPath(`/labels${q}`), { token: s.tokens.read })).lines();
  const m = new Map<string, Lbl[]>();
  for (const l of lines as Lbl[]) m.set(l.image, [...(m.get(l.image) ?? []), l]);
  return m;
}

describe('GET /images: the gallery a page at a time', () => {
  it('pages by position give every asset once, in order, with exactly its labels', async () => {
    const assets = (await s.http('GET', s.repoPath('/assets'), { token: s.tokens.read })).lines();
    expect(assets).toHaveLength(100);
    const labels = await labelsByImage();
    const seen: PageAnswer['images'] = [];
    for (let offset = 0; offset < 100; offset += 7) {
      const p = await page(`offset=${offset}&limit=7`);
      expect([p.total, p.offset]).toEqual([100, offset]);
      expect(p.images.length).toBe(Math.min(7, 100 - offset));
      expect(p.next !== undefined).toBe(offset + 7 < 100);
      seen.push(...p.images);
    }
    expect(seen.map((i) => i.image)).toEqual(assets.map((a) => a.image));
    for (const [i, img] of seen.entries()) {
      expect(img.asset).toEqual(assets[i]);
      expect(img.labels, img.image).toEqual(labels.get(img.image) ?? []);
    }
    const total = [...labels.values()].reduce((n, l) => n + l.length, 0);
    expect(total).toBe(273 + 100 * EXTRA_PER_IMAGE);
  });

  it('pages by cursor give the same pages, and the last has no next', async () => {
    const byOffset = await page('offset=0&limit=30');
    const byCursor = await page('limit=30');
    expect(byCursor).toEqual(byOffset);
    const second = await page(`after=${encodeURIComponent(byCursor.next!)}&limit=30`);
    expect(second.offset).toBe(30);
    expect(second).toEqual(await page('offset=30&limit=30'));
    const last = await page('offset=90&limit=30');
    expect(last.images).toHaveLength(10);
    expect(last.next).toBeUndefined();
    const past = await page('offset=500&limit=30');
    expect(past).toMatchObject({ total: 100, images: [] });
  });

  it('filtered pages follow the cursor through exactly the matching labels (index and scan plans)', async () => {
    const accesses: string[] = [];
    for (const where of [WHERE, SCANNED, SCANNED_WITH_ASSETS]) {
      const plan = await s.http(
        'GET',
        s.repoPath(`/query/explain?where=${encodeURIComponent(where)}`),
        {
          token: s.tokens.read,
        },
      );
      accesses.push(plan.json().access as string);
      const want = await labelsByImage(where);
      expect(want.size).toBeGreaterThan(5);
      const got = new Map<string, Lbl[]>();
      let after: string | undefined;
      let pages = 0;
      do {
        const p = await page(
          `where=${encodeURIComponent(where)}&limit=4${after ? `&after=${encodeURIComponent(after)}` : ''}`,
        );
        expect(p.total).toBeUndefined();
        expect(p.images.length).toBeLessThanOrEqual(4);
        for (const i of p.images) {
          expect(got.has(i.image)).toBe(false);
          expect(i.asset?.image).toBe(i.image);
          got.set(i.image, i.labels);
        }
        after = p.next;
        pages++;
      } while (after !== undefined);
      expect(pages, where).toBe(Math.ceil(want.size / 4));
      expect([...got], where).toEqual([...want]);
    }
    // Both ways of finding the labels are paged.
    expect(accesses).toEqual(['index', 'scan', 'scan']);
  });

  it('reads one page, not the whole ref', () => {
    expect(loads.all).toBeGreaterThan(100);
    expect(loads.page).toBeLessThan(loads.all / 10);
    expect(loads.scannedPage).toBeLessThan(loads.all / 4);
  });

  it('refuses an offset with a cursor or a filter, and a bad filter, with 400', async () => {
    for (const q of ['offset=1&after=x', `offset=1&where=${encodeURIComponent(WHERE)}`]) {
      const a = await get(q);
      expect(a.status).toBe(400);
      expect(a.json().error.code).toBe('BAD_REQUEST');
    }
    const bad = await get(`where=${encodeURIComponent('category = person')}`);
    expect(bad.status).toBe(400);
    expect((await get('limit=0')).status).toBe(400);
  });
});
