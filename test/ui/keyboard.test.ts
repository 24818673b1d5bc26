/**
 * The web UI by keyboard only (issue 15), on the real Pascal VOC 2012 repository: from the
 * gallery (`/` to the filter, Tab through its controls, the arrow keys between thumbnails, Enter
 * to open one) to a review on the image page (`a` approves, `j` moves to the next label, `r`
 * rejects, `space` hides and shows its overlay, `c` goes to the comment field, Enter adds the
 * comment), with no mouse event at all. Every Tab stop shows a visible focus ring, every control
 * of the image page is a Tab stop, the keys are written on the pages, and the reviews land in
 * the repository as the CLI reads them, by the signed-in reviewer.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../e2e/helpers.js';
import type { DomElement } from './dom-shapes.js';
import { identityOf, startUiFixture, type StoredLabel, type UiFixture } from './ui-harness.js';

const temp = useTempRoot('ui-keyboard');
let f: UiFixture;

beforeAll(async () => {
  f = await startUiFixture(temp.root());
}, 60_000);
afterAll(async () => f?.close());

interface FocusStop {
  readonly tag: string;
  readonly name: string;
  /** The focus ring: an outline (or the thumbnail's) that is drawn. */
  readonly ring: boolean;
  readonly index: string | null;
}

/** The focused element: what it is, its accessible text, and whether its focus is visible. */
function focused(page: Page): Promise<FocusStop> {
  return page.evaluate(() => {
    const w = globalThis as unknown as {
      document: { activeElement: (DomElement & { tagName: string }) | null };
      getComputedStyle(e: DomElement): { outlineStyle: string; outlineWidth: string };
    };
    const e = w.document.activeElement!;
    const drawn = (el: DomElement | null) => {
      if (!el) return false;
      const s = w.getComputedStyle(el);
      return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    };
    const cell = e.getAttribute('class')?.includes('gallery-cell') ? e : null;
    return {
      tag: e.tagName.toLowerCase(),
      name: e.getAttribute('aria-label') ?? e.getAttribute('id') ?? (e.textContent ?? '').trim(),
      ring: drawn(e) || drawn(cell?.querySelector('.thumb-box') ?? null),
      index:
        (e as unknown as { closest(s: string): DomElement | null })
          .closest('[data-index]')
          ?.getAttribute('data-index') ?? null,
    };
  });
}

/** Presses Tab until `until` holds (at most `max` times), every stop checked for a visible ring. */
async function tabUntil(
  page: Page,
  until: (s: FocusStop) => boolean,
  max = 60,
): Promise<FocusStop[]> {
  const stops: FocusStop[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const s = await focused(page);
    stops.push(s);
    expect(s.ring, `focus ring on ${s.tag} '${s.name}'`).toBe(true);
    if (until(s)) return stops;
  }
  throw new Error(`Tab never reached the target; stops: ${stops.map((s) => s.name).join(' | ')}`);
}

describe('web UI: a review by keyboard only', () => {
  it('goes from the gallery to an image and reviews its labels without the mouse', async () => {
    const [assets, labels] = await Promise.all([f.assets('main'), f.labels('main')]);
    const count = new Map<string, number>();
    for (const l of labels) count.set(l.image, (count.get(l.image) ?? 0) + 1);
    // The first image (in gallery order) with at least two labels, and where it is.
    const target = assets.findIndex((a) => (count.get(a.image) ?? 0) >= 2);
    expect(target).toBeGreaterThanOrEqual(0);
    const image = assets[target]!.image;

    const page = await f.page();
    let clicks = 0;
    await page.exposeFunction('countClick', () => clicks++);
    await page.addInitScript(() => {
      const w = globalThis as unknown as {
        addEventListener(t: string, h: () => void): void;
        countClick(): void;
      };
      // Keys make click events on links and buttons, never a mousedown: count those.
      w.addEventListener('mousedown', () => w.countClick());
    });
    await page.goto(`${f.url}/r/voc/gallery?ref=main&token=${f.tokens.review}`);
    await page.locator('.filter-count').filter({ hasText: 'images' }).waitFor();
    const keys = page.getByRole('definition');
    expect((await keys.allTextContents()).join(' | ')).toContain('move between images');

    // `/` goes to the filter; Tab walks the filter bar's controls to the first thumbnail.
    await page.keyboard.press('/');
    expect((await focused(page)).name).toBe('where');
    const stops = await tabUntil(page, (s) => s.index === '0');
    expect(stops.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Apply', 'Keyboard shortcuts']),
    );
    expect(stops.some((s) => s.tag === 'select')).toBe(true);

    // The arrow keys move between thumbnails; the grid's columns are its width over a cell's.
    await page.keyboard.press('ArrowRight');
    expect((await focused(page)).index).toBe('1');
    await page.keyboard.press('ArrowLeft');
    expect((await focused(page)).index).toBe('0');
    await page.keyboard.press('End');
    await page.waitForFunction(
      (last) =>
        (
          globalThis as unknown as {
            document: { activeElement: { closest(s: string): DomElement | null } | null };
          }
        ).document.activeElement
          ?.closest('[data-index]')
          ?.getAttribute('data-index') === last,
      String(assets.length - 1),
    );
    await page.keyboard.press('Home');
    await page.waitForFunction(
      () =>
        (
          globalThis as unknown as {
            document: { activeElement: { closest(s: string): DomElement | null } | null };
          }
        ).document.activeElement
          ?.closest('[data-index]')
          ?.getAttribute('data-index') === '0',
    );
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowRight');
    const at = await focused(page);
    expect(at.index).toBe(String(target));
    expect(at.name).toContain(image);
    await f.screenshot(page, 'keyboard-gallery');

    // Enter opens the image page.
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === `/r/voc/image/${encodeURIComponent(image)}`);
    const rows = page.locator('[data-label-row]');
    await rows.first().waitFor();
    const ids = await rows.evaluateAll((trs) => trs.map((t) => t.getAttribute('data-label-row')!));
    expect(ids.length).toBe(count.get(image));
    const written = (await page.getByRole('definition').allTextContents()).join(' | ');
    for (const action of ['approve', 'reject', 'comment', 'next / previous label', 'show / hide'])
      expect(written).toContain(action);

    // Every control of the page is a Tab stop with a visible ring.
    const imageStops = await tabUntil(page, (s) =>
      s.name.startsWith(`select label ${ids[ids.length - 1]} `),
    );
    const names = imageStops.map((s) => s.name);
    for (const want of [
      'Approve',
      'Reject',
      'review-comment',
      ...ids.map((id) => `show label ${id}`),
    ])
      expect(names, want).toContain(want);
    for (const id of ids) expect(names.some((n) => n.startsWith(`select label ${id} `))).toBe(true);
    // Leave the focus on a label button: the keys work from anywhere but a text field.

    // a approves the selected (first) label; j moves on; r rejects the second.
    const status = page.getByRole('status');
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await page.keyboard.press('a');
    await status.filter({ hasText: `approved label ${ids[0]}` }).waitFor();
    await page.keyboard.press('j');
    await page.locator(`[data-label-row="${ids[1]}"].selected`).waitFor();
    await page.keyboard.press('r');
    await status.filter({ hasText: `rejected label ${ids[1]}` }).waitFor();

    // space hides and shows the selected label's overlay.
    const overlay = page.locator(`[data-image-id="${image}"] [data-label-id="${ids[1]}"]`);
    expect(await overlay.count()).toBe(1);
    await page.keyboard.press(' ');
    await page.waitForFunction(
      (sel) =>
        [...(globalThis as unknown as { document: DomElement }).document.querySelectorAll(sel)]
          .length === 0,
      `[data-image-id="${image}"] [data-label-id="${ids[1]}"]`,
    );
    await page.keyboard.press(' ');
    await overlay.waitFor({ state: 'attached' });

    // c goes to the comment field, Enter adds the comment, Escape leaves the field.
    await page.keyboard.press('c');
    expect((await focused(page)).name).toBe('review-comment');
    await page.keyboard.type('box too loose');
    await page.keyboard.press('Enter');
    await status.filter({ hasText: `commented on label ${ids[1]}` }).waitFor();
    await page.keyboard.press('Escape');
    expect((await focused(page)).name).not.toBe('review-comment');
    await f.screenshot(page, 'keyboard-review');

    // The reviews are in the repository, by the signed-in reviewer; no mouse was used.
    const after = await f.labels('main', `image = ${JSON.stringify(image)}`);
    const review = (id: string) => after.find((l: StoredLabel) => l.label === id)?.review;
    expect(review(ids[0]!)).toMatchObject({ status: 'approved', reviewer: identityOf('review') });
    expect(review(ids[1]!)).toMatchObject({
      status: 'rejected',
      reviewer: identityOf('review'),
      comment: 'box too loose',
    });
    expect(clicks).toBe(0);
    expect(f.pageErrors).toEqual([]);
  });
});
