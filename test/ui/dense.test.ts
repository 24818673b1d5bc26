/**
 * Crowded thumbnails in the web UI (issue 15): an image with more labels than a gallery cell
 * draws as SVG elements (250 boxes on a real PASCAL VOC image) gets its thumbnail's labels on
 * one canvas: every box's edge is painted at its scaled position and its inside is left clear;
 * the image page still draws one SVG element per label.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../e2e/helpers.js';
import { startUiFixture, type UiFixture } from './ui-harness.js';

const temp = useTempRoot('ui-dense');
let f: UiFixture;
const IMAGE = '2007_000549';
const BOXES = 250;

beforeAll(async () => {
  f = await startUiFixture(temp.root(), 'voc');
}, 60_000);
afterAll(async () => f?.close());

interface CanvasLike {
  readonly width: number;
  readonly height: number;
  readonly dataset: Record<string, string | undefined>;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}

/** Box i of a 25-wide grid of 10x30 boxes, in the image's pixels. */
function boxOf(i: number): [number, number, number, number] {
  return [(i % 25) * 14 + 2, Math.floor(i / 25) * 40 + 2, 10, 30];
}

describe('web UI: a crowded image', () => {
  it('draws a thumbnail’s 250 boxes on one canvas, each on its pixels, and the image page’s as SVG', async () => {
    const asset = (await f.assets('main')).find((a) => a.image === IMAGE)!;
    const file = join(temp.root(), 'crowd.jsonl');
    const lines = Array.from({ length: BOXES }, (_, i) =>
      JSON.stringify({ image: IMAGE, label: `c${i}`, category: 'person', bbox: boxOf(i) }),
    );
    writeFileSync(file, lines.join('\n') + '\n');
    await f.cli(['branch', 'create', 'crowd', '--from', 'main']);
    await f.cli(['import', 'labels', file, '--branch', 'crowd', '-m', 'a crowd']);

    const where = encodeURIComponent(`image = "${IMAGE}"`);
    const page = await f.signedIn(f.tokens.read, `/r/voc/gallery?ref=crowd&where=${where}`);
    const cell = page.locator(`.virtual-grid [data-image-id="${IMAGE}"]`);
    const canvas = cell.locator('canvas.dense-layer');
    await canvas.waitFor();
    expect(await cell.locator('[data-label-id]').count()).toBe(0);
    const drawn = await canvas.evaluate(
      (el, o) => {
        const c = el as unknown as CanvasLike;
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const alpha = (x: number, y: number) =>
          data[(Math.round(y) * c.width + Math.round(x)) * 4 + 3]!;
        const [sx, sy] = [c.width / o.width, c.height / o.height];
        // Each box: its left edge's middle painted, its centre clear.
        return o.boxes.map(([x, y, w, h]) => [
          alpha(x * sx, (y + h / 2) * sy) > 0,
          alpha((x + w / 2) * sx, (y + h / 2) * sy) === 0,
        ]);
      },
      {
        width: asset.width,
        height: asset.height,
        boxes: Array.from({ length: BOXES }, (_, i) => boxOf(i)),
      },
    );
    expect(await canvas.getAttribute('data-dense-labels')).toBe(String(BOXES));
    expect(drawn.filter(([edge]) => !edge)).toEqual([]);
    expect(drawn.filter(([, inside]) => !inside)).toEqual([]);
    await f.screenshot(page, 'gallery-crowded');

    await page.goto(`${f.url}/r/voc/image/${IMAGE}?ref=crowd`);
    const svgLabels = page.locator(`.full-image [data-label-id]`);
    await expect.poll(() => svgLabels.count()).toBe(BOXES);
    expect(f.pageErrors).toEqual([]);
  });
});
