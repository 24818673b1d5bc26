/**
 * Polygons and keypoints drawn by the web UI (issue 15) on real COCO val2017 person annotations
 * with their images: on the image page every polygon's on-screen extent is its stored points'
 * extent scaled to the displayed size, and every labelled keypoint (visibility > 0) is a dot
 * centred on its stored pixel, within 1 px; in the gallery the same holds at thumbnail scale.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../e2e/helpers.js';
import type { DomElement, DomWindow } from './dom-shapes.js';
import { startUiFixture, type Rect, type StoredLabel, type UiFixture } from './ui-harness.js';

const temp = useTempRoot('ui-shapes');
let f: UiFixture;

beforeAll(async () => {
  f = await startUiFixture(temp.root(), 'people');
}, 60_000);
afterAll(async () => f?.close());

interface DrawnShapes {
  readonly frame: Rect;
  readonly labels: Record<string, { polygons: Rect[]; keypoints: Rect[] }>;
}

function measureShapes(page: Page, image: string): Promise<DrawnShapes> {
  return page.evaluate((image) => {
    const { document } = globalThis as unknown as DomWindow;
    const rect = (e: DomElement) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const frame = document.querySelector(`[data-image-id="${image}"]`)!;
    return {
      frame: rect(frame),
      labels: Object.fromEntries(
        [...frame.querySelectorAll('[data-label-id]')].map((g) => [
          g.getAttribute('data-label-id')!,
          {
            polygons: [...g.querySelectorAll('[data-shape="polygon"]')].map(rect),
            keypoints: [...g.querySelectorAll('[data-shape="keypoint"]')].map(rect),
          },
        ]),
      ),
    };
  }, image);
}

function extent(ring: readonly number[]): Rect {
  const xs = ring.filter((_, i) => i % 2 === 0);
  const ys = ring.filter((_, i) => i % 2 === 1);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

function expectShapesOnPixels(
  drawn: DrawnShapes,
  imageWidth: number,
  labels: readonly StoredLabel[],
): number {
  const scale = drawn.frame.width / imageWidth;
  const near = (a: number, b: number, what: string) =>
    expect(Math.abs(a - b), what).toBeLessThanOrEqual(1);
  let points = 0;
  expect(Object.keys(drawn.labels).sort()).toEqual(labels.map((l) => l.label).sort());
  for (const l of labels) {
    const got = drawn.labels[l.label]!;
    const rings = (l.segmentation as number[][] | undefined) ?? [];
    expect(got.polygons.length, l.label).toBe(rings.length);
    rings.forEach((ring, i) => {
      const want = extent(ring);
      near(got.polygons[i]!.x, drawn.frame.x + want.x * scale, `${l.label} polygon ${i} x`);
      near(got.polygons[i]!.y, drawn.frame.y + want.y * scale, `${l.label} polygon ${i} y`);
      near(got.polygons[i]!.width, want.width * scale, `${l.label} polygon ${i} width`);
      near(got.polygons[i]!.height, want.height * scale, `${l.label} polygon ${i} height`);
    });
    const kp = l.keypoints ?? [];
    const labelled: [number, number][] = [];
    for (let i = 0; i + 2 < kp.length; i += 3)
      if (kp[i + 2]! > 0) labelled.push([kp[i]!, kp[i + 1]!]);
    expect(got.keypoints.length, `${l.label} keypoints`).toBe(labelled.length);
    labelled.forEach(([x, y], i) => {
      const dot = got.keypoints[i]!;
      near(dot.x + dot.width / 2, drawn.frame.x + x * scale, `${l.label} keypoint ${i} x`);
      near(dot.y + dot.height / 2, drawn.frame.y + y * scale, `${l.label} keypoint ${i} y`);
      points++;
    });
  }
  return points;
}

const picturesLoaded = (page: Page) =>
  page.waitForFunction(() => {
    const { document } = globalThis as unknown as DomWindow;
    const frames = [...document.querySelectorAll('[data-image-id]')];
    return frames.length > 0 && frames.every((fr) => fr.querySelector('img')?.complete);
  });

describe('web UI: polygons and keypoints (COCO val2017 people)', () => {
  it('draws every polygon and labelled keypoint on its stored pixels, full size and as thumbnails', async () => {
    const [labels, assets] = await Promise.all([f.labels('main'), f.assets('main')]);
    expect(labels.length).toBe(14);
    const widthOf = new Map(assets.map((a) => [a.image, a.width]));
    const of = (image: string) => labels.filter((l) => l.image === image);

    const page = await f.page();
    await page.goto(`${f.url}/r/people/gallery?ref=main&token=${f.tokens.read}`);
    await picturesLoaded(page);
    let points = 0;
    for (const a of assets)
      points += expectShapesOnPixels(await measureShapes(page, a.image), a.width, of(a.image));
    await f.screenshot(page, 'people-gallery');

    const image = [...new Set(labels.map((l) => l.image))].sort(
      (x, y) => of(y).length - of(x).length,
    )[0]!;
    await page.goto(`${f.url}/r/people/image/${image}?ref=main`);
    await picturesLoaded(page);
    points += expectShapesOnPixels(
      await measureShapes(page, image),
      widthOf.get(image)!,
      of(image),
    );
    await f.screenshot(page, 'people-image');
    expect(points).toBeGreaterThan(100);
    expect(f.pageErrors).toEqual([]);
  });
});
