/**
 * Dense masks in the web UI (issue 15) on real COCO val2017 panoptic segments (compressed RLE,
 * disjoint): on the image page the mask canvas is the image's own pixel grid laid exactly over
 * the picture, and the pixels it paints are exactly the masks' pixels: their number is the sum
 * of the labels' stored `area` (COCO's pixel counts, independent of the UI's RLE decoder).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../e2e/helpers.js';
import { startUiFixture, type UiFixture } from './ui-harness.js';

const temp = useTempRoot('ui-masks');
let f: UiFixture;

beforeAll(async () => {
  f = await startUiFixture(temp.root(), 'masks');
}, 60_000);
afterAll(async () => f?.close());

interface CanvasLike {
  readonly width: number;
  readonly height: number;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
}

describe('web UI: RLE masks', () => {
  it('paints exactly the masks’ pixels on a canvas over the image', async () => {
    const [labels, assets] = await Promise.all([f.labels('main'), f.assets('main')]);
    expect(labels.length).toBe(50);
    const page = await f.page();
    await page.goto(`${f.url}/r/masks?token=${f.tokens.read}`);
    for (const asset of assets) {
      const mine = labels.filter((l) => l.image === asset.image);
      await page.goto(`${f.url}/r/masks/image/${asset.image}?ref=main`);
      const canvas = page.locator(`[data-image-id="${asset.image}"] canvas.mask-layer`);
      await canvas.waitFor();
      const painted = await canvas.evaluate((el) => {
        const c = el as unknown as CanvasLike;
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        const frame = c.getBoundingClientRect();
        return { n, width: c.width, height: c.height, frame };
      });
      expect([painted.width, painted.height]).toEqual([asset.width, asset.height]);
      const picture = await page.locator(`[data-image-id="${asset.image}"] img`).evaluate((img) => {
        const r = (img as unknown as CanvasLike).getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      });
      for (const k of ['x', 'y', 'width', 'height'] as const)
        expect(Math.abs(painted.frame[k] - picture[k]), k).toBeLessThanOrEqual(1);
      const area = mine.reduce((sum, l) => sum + (l.area ?? 0), 0);
      expect(painted.n, asset.image).toBe(area);
    }
    await f.screenshot(page, 'masks');
    expect(f.pageErrors).toEqual([]);
  });
});
