/**
 * The web UI in a real browser (issue 15), on the real Pascal VOC 2012 set made into a
 * repository with the CLI: sign-in through the URL `verso serve` prints, the repository page
 * (refs and log), and the gallery: every one of the 100 images reachable through the
 * virtualized grid (never all in the DOM at once), every box drawn on the pixels its stored
 * coordinates name once scaled to the displayed size (within 1 px, measured with
 * getBoundingClientRect), and the filter's counts equal to the CLI's. The gallery loads a page
 * of images with their labels at a time (`GET /images`), only the pages in view, and never the
 * whole ref's labels or assets; the filter's plan is the one `verso count --explain` prints.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_AUTHOR, useTempRoot } from '../e2e/helpers.js';
import type { DomElement, DomWindow } from './dom-shapes.js';
import {
  SCREENSHOTS,
  startUiFixture,
  type Rect,
  type StoredAsset,
  type StoredLabel,
  type UiFixture,
} from './ui-harness.js';

const temp = useTempRoot('ui-gallery');
let f: UiFixture;

beforeAll(async () => {
  f = await startUiFixture(temp.root());
}, 60_000);
afterAll(async () => {
  await f?.close();
  console.log(`UI screenshots in ${SCREENSHOTS}`);
});

const signedIn = (token: string, path: string): Promise<Page> => f.signedIn(token, path);

interface DrawnImage {
  readonly image: string;
  readonly frame: Rect;
  readonly picture: Rect | null;
  readonly boxes: Record<string, Rect | null>;
}

/** Every image frame in the DOM with its on-screen rectangle, its picture's, and its boxes'. */
function measureFrames(page: Page): Promise<DrawnImage[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as DomWindow;
    const rect = (e: DomElement | null | undefined) => {
      if (!e) return null;
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    return [...document.querySelectorAll('[data-image-id]')].map((frame) => ({
      image: frame.getAttribute('data-image-id')!,
      frame: rect(frame)!,
      picture: rect(frame.querySelector('img')),
      boxes: Object.fromEntries(
        [...frame.querySelectorAll('[data-label-id]')].map((g) => [
          g.getAttribute('data-label-id')!,
          rect(g.querySelector('rect[data-shape="box"]')),
        ]),
      ),
    }));
  });
}

/** Checks every drawn image against the stored sizes and boxes; the number of boxes checked. */
function expectBoxesOnTheirPixels(
  drawn: readonly DrawnImage[],
  assets: ReadonlyMap<string, StoredAsset>,
  labels: ReadonlyMap<string, StoredLabel[]>,
): number {
  let checked = 0;
  for (const d of drawn) {
    const asset = assets.get(d.image)!;
    const scale = d.frame.width / asset.width;
    // The frame keeps the image's aspect ratio, and the picture fills the frame.
    expect(Math.abs(d.frame.height - asset.height * scale), d.image).toBeLessThanOrEqual(1);
    expect(d.picture, `${d.image} picture`).not.toBeNull();
    for (const k of ['x', 'y', 'width', 'height'] as const)
      expect(Math.abs(d.picture![k] - d.frame[k]), `${d.image} picture ${k}`).toBeLessThanOrEqual(
        1,
      );
    const stored = labels.get(d.image) ?? [];
    expect(Object.keys(d.boxes).sort(), d.image).toEqual(stored.map((l) => l.label).sort());
    for (const l of stored) {
      const [x, y, w, h] = l.bbox!;
      const got = d.boxes[l.label];
      expect(got, `${d.image}/${l.label}`).toBeTruthy();
      const want = {
        x: d.frame.x + x * scale,
        y: d.frame.y + y * scale,
        width: w * scale,
        height: h * scale,
      };
      for (const k of ['x', 'y', 'width', 'height'] as const)
        expect(
          Math.abs(got![k] - want[k]),
          `${d.image}/${l.label} ${k}: ${got![k]} vs ${want[k]}`,
        ).toBeLessThanOrEqual(1);
      checked++;
    }
  }
  return checked;
}

/**
 * Waits until every image frame in the DOM shows its picture, decoded (`<img>` reads it with
 * the repository's media cookie; a refused read would leave no pixels).
 */
async function picturesLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const { document } = globalThis as unknown as DomWindow;
    const frames = [...document.querySelectorAll('[data-image-id]')];
    return (
      frames.length > 0 &&
      frames.every((f) => {
        const img = f.querySelector('img');
        return img?.complete === true && (img.naturalWidth ?? 0) > 0;
      })
    );
  });
}

function byImage(labels: readonly StoredLabel[]): Map<string, StoredLabel[]> {
  const m = new Map<string, StoredLabel[]>();
  for (const l of labels) m.set(l.image, [...(m.get(l.image) ?? []), l]);
  return m;
}

describe('web UI: sign-in, repository, gallery (Pascal VOC 2012)', () => {
  it('signs in from the URL verso serve prints, drops the token from the address, shows refs and the log', async () => {
    const page = await signedIn(f.tokens.read, '/r/voc');
    await page.getByRole('heading', { name: 'Branches and tags' }).waitFor();
    expect(page.url()).toBe(`${f.url}/r/voc`);
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as DomWindow).sessionStorage.getItem('verso.token'),
      ),
    ).toBe(f.tokens.read);
    await page.locator('.commit').first().waitFor();
    const commits = await page.locator('.commit').evaluateAll((els) =>
      els.map((e) => ({
        message: e.querySelector('.message')?.textContent,
        author: e.querySelector('.author')?.textContent,
        labels: e.querySelector('[data-tree="labels"] .counts')?.textContent ?? null,
      })),
    );
    expect(commits).toEqual([
      { message: 'VOC 2012 boxes', author: E2E_AUTHOR, labels: '+273' },
      { message: 'VOC 2012 images', author: E2E_AUTHOR, labels: null },
      { message: 'Initialize repository', author: E2E_AUTHOR, labels: null },
    ]);
    expect(
      await page
        .locator('[data-ref]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-ref'))),
    ).toEqual(['main']);
    // The page's data and who the token is are asked for at once: the identity may come last.
    const signedInAs = page.getByLabel('signed in as');
    await signedInAs.filter({ hasText: 'read-user' }).waitFor();
    expect(await signedInAs.textContent()).toBe('read-user read');
    await f.screenshot(page, 'repository');

    // A reload keeps the session (session storage); an unknown token is sent back to sign-in.
    await page.reload();
    await page.locator('.commit').first().waitFor();
    const stranger = await signedIn('not-a-token', '/r/voc');
    await stranger.getByRole('button', { name: 'Sign in again' }).click();
    await stranger.getByLabel('Access token').waitFor();
    expect(await stranger.getByRole('alert').textContent()).toContain(
      'not known to this repository',
    );
    expect(f.pageErrors).toEqual([]);
  });

  it('shows all 100 images through the virtualized grid, each box on its stored pixels', async () => {
    const [assets, labels] = await Promise.all([f.assets('main'), f.labels('main')]);
    expect([assets.length, labels.length]).toEqual([100, 273]);
    const assetOf = new Map(assets.map((a) => [a.image, a]));
    const labelsOf = byImage(labels);

    const page = await signedIn(f.tokens.read, '/r/voc/gallery?ref=main');
    const summary = page.locator('.filter-count');
    await summary.filter({ hasText: 'images' }).waitFor();
    expect(await summary.textContent()).toBe('100 images, 273 labels');
    await picturesLoaded(page);
    await f.screenshot(page, 'gallery');

    const grid = page.locator('.virtual-grid');
    const seen = new Set<string>();
    let mostInDom = 0;
    let boxesChecked = 0;
    for (let step = 0; ; step++) {
      await picturesLoaded(page);
      const drawn = await measureFrames(page);
      mostInDom = Math.max(mostInDom, drawn.length);
      for (const d of drawn) seen.add(d.image);
      // Boxes are measured on the frames fully inside the grid's viewport, at every other step.
      if (step % 2 === 0) {
        const view = (await grid.boundingBox())!;
        const inView = drawn.filter(
          (d) => d.frame.y >= view.y && d.frame.y + d.frame.height <= view.y + view.height,
        );
        boxesChecked += expectBoxesOnTheirPixels(inView, assetOf, labelsOf);
      }
      const done = await grid.evaluate((el) => {
        const end = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
        el.scrollTop += el.clientHeight;
        return end;
      });
      if (done) break;
      await page.waitForTimeout(50);
    }
    expect([...seen].sort()).toEqual(assets.map((a) => a.image).sort());
    expect(mostInDom).toBeLessThan(100);
    expect(boxesChecked).toBeGreaterThan(40);
    expect(f.pageErrors).toEqual([]);
  });

  it('filters with the --where language: the counts are the CLI count and cat --where', async () => {
    const where = 'class = person and attributes.pose = "Unspecified"';
    const matching = await f.labels('main', where);
    const count = JSON.parse(await f.cli(['count', 'main', '--where', where, '--json'])) as {
      labels: number;
    };
    expect(count.labels).toBe(matching.length);
    const images = new Set(matching.map((l) => l.image));

    const page = await signedIn(f.tokens.read, '/r/voc/gallery?ref=main');
    await page.locator('.filter-count').filter({ hasText: 'images' }).waitFor();
    await page.getByLabel('Filter').fill(where);
    await page.getByLabel('Filter').press('Enter');
    const summary = page.locator('.filter-count').filter({ hasText: 'match' });
    await summary.waitFor();
    expect(await summary.textContent()).toBe(
      `${images.size} images, ${matching.length} labels match`,
    );
    expect(new URL(page.url()).searchParams.get('where')).toBe(where);
    expect(Number(await page.locator('.virtual-grid').getAttribute('data-total'))).toBe(
      images.size,
    );
    await picturesLoaded(page);
    const drawn = await measureFrames(page);
    const assetOf = new Map((await f.assets('main')).map((a) => [a.image, a]));
    expectBoxesOnTheirPixels(drawn, assetOf, byImage(matching));
    await f.screenshot(page, 'gallery-filtered');

    await page.getByLabel('Filter').fill('category = person');
    await page.getByLabel('Filter').press('Enter');
    const error = page.locator('.filter-error');
    await error.waitFor();
    expect(await error.textContent()).toContain("unknown field 'category'");
    expect(f.pageErrors).toEqual([]);
  });

  it('loads only the pages in view, never the whole ref, and shows the filter’s plan', async () => {
    const page = await signedIn(f.tokens.read, '/r/voc/gallery?ref=main');
    const requests: URL[] = [];
    // Each request, in order.
    const events: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/repos/voc/')) requests.push(url);
      events.push(`${r.method()} ${url.pathname}${url.search}`);
    });
    await page.locator('.filter-count').filter({ hasText: 'images' }).waitFor();
    await picturesLoaded(page);
    const pageRequests = () =>
      requests
        .filter((u) => u.pathname === '/repos/voc/images')
        .map((u) => `${u.searchParams.get('offset')}/${u.searchParams.get('limit')}`);
    // The sign-in navigation happened before the listener: reload to see every request.
    requests.length = 0;
    events.length = 0;
    await page.reload();
    await page.locator('.filter-count').filter({ hasText: 'images' }).waitFor();
    await picturesLoaded(page);
    expect(pageRequests()).toEqual(['0/60']);
    // The first page, the count, whoami and the media cookie are each asked once: `index.html`
    // started them before the application's script ran, and the application took every one.
    for (const call of [
      'POST /repos/voc/media-session',
      'GET /repos/voc/whoami',
      'GET /repos/voc/images?ref=main&offset=0&limit=60',
      'GET /repos/voc/count?ref=main',
    ])
      expect(
        events.filter((e) => e === call),
        call,
      ).toHaveLength(1);
    const early = await page.evaluate(() => {
      const w = globalThis as unknown as { __versoEarly?: { requests: Record<string, unknown> } };
      return w.__versoEarly && Object.keys(w.__versoEarly.requests);
    });
    expect(early).toEqual([]);
    const streamed = requests.filter((u) => /\/(labels|assets)$/.test(u.pathname));
    expect(streamed.map((u) => u.pathname)).toEqual([]);
    // Page 2 (images 60..99) comes when its cells come into view, once.
    await page.locator('.virtual-grid').evaluate((el) => (el.scrollTop = el.scrollHeight));
    // The grid asks for page 2 once its scroll handler has run (later on a loaded machine).
    await expect.poll(pageRequests, { timeout: 30_000 }).toContain('60/60');
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as DomWindow;
      return [...document.querySelectorAll('.grid-cell-pending')].length === 0;
    });
    await page.locator('.virtual-grid').evaluate((el) => (el.scrollTop = 0));
    await picturesLoaded(page);
    expect(pageRequests()).toEqual(['0/60', '60/60']);

    const where = 'class = person';
    const plan = JSON.parse(
      await f.cli(['count', 'main', '--where', where, '--explain', '--json']),
    ) as { access: string; candidates: number; labels: number; steps: string[] };
    await page.getByLabel('Filter').fill(where);
    await page.getByLabel('Filter').press('Enter');
    const shown = page.locator('.filter-plan');
    await shown.waitFor();
    expect(await shown.getAttribute('data-access')).toBe(plan.access);
    expect(await shown.locator('summary').textContent()).toContain(`${plan.labels} labels`);
    await shown.locator('summary').click();
    expect(
      await shown.getByRole('list', { name: 'plan steps' }).locator('li').allTextContents(),
    ).toEqual(plan.steps);
    await f.screenshot(page, 'gallery-plan');
    expect(f.pageErrors).toEqual([]);
  });
});
