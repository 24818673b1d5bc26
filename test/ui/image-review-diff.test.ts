/**
 * The image page, review and visual diff of the web UI in a real browser (issue 15), on the real
 * Pascal VOC 2012 set: the full-size image with every box on its stored pixels (within 1 px) and
 * labels toggled one by one, label table with blame; an approve/reject (button or key) makes the
 * review record and commit the CLI then reads, by the signed-in identity; a read-only token sees
 * no write controls and the server refuses its writes; the diff of two branches lists exactly the
 * changed labels (as `verso diff --json`) and draws each where it was and is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../e2e/helpers.js';
import type { DomElement, DomWindow } from './dom-shapes.js';
import {
  identityOf,
  identityShown,
  startUiFixture,
  type Rect,
  type UiFixture,
} from './ui-harness.js';

const temp = useTempRoot('ui-image');
let f: UiFixture;

beforeAll(async () => {
  f = await startUiFixture(temp.root());
}, 60_000);
afterAll(async () => f?.close());

const signedIn = (token: string, path: string): Promise<Page> => f.signedIn(token, path);

/** The image frame's rectangle and each `selector` element's box rectangle by label id. */
function measure(page: Page, image: string, selector = '[data-label-id]') {
  return page.evaluate(
    ({ image, selector }) => {
      const { document } = globalThis as unknown as DomWindow;
      const rect = (e: DomElement | null) => {
        if (!e) return null;
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const frame = document.querySelector(`[data-image-id="${image}"]`)!;
      return {
        frame: rect(frame)!,
        boxes: [...frame.querySelectorAll(selector)].map((g) => ({
          label: g.getAttribute('data-label-id')!,
          change: g.getAttribute('data-change'),
          rect: rect(g.querySelector('rect[data-shape="box"]')),
        })),
      };
    },
    { image, selector },
  );
}

function expectOnPixels(
  frame: Rect,
  imageWidth: number,
  got: Rect | null,
  bbox: readonly number[],
  what: string,
): void {
  const scale = frame.width / imageWidth;
  const [x, y, w, h] = bbox as [number, number, number, number];
  const want = {
    x: frame.x + x * scale,
    y: frame.y + y * scale,
    width: w * scale,
    height: h * scale,
  };
  expect(got, what).toBeTruthy();
  for (const k of ['x', 'y', 'width', 'height'] as const)
    expect(Math.abs(got![k] - want[k]), `${what} ${k}`).toBeLessThanOrEqual(1);
}

const pictureLoaded = (page: Page, image: string) =>
  page.waitForFunction((image) => {
    const { document } = globalThis as unknown as DomWindow;
    return !!document.querySelector(`[data-image-id="${image}"] img`)?.complete;
  }, image);

describe('web UI: image page, review, diff (Pascal VOC 2012)', () => {
  const IMAGE = '2007_000032';

  it('shows the full image with each box on its pixels, toggles labels, lists labels with blame', async () => {
    const labels = (await f.labels('main')).filter((l) => l.image === IMAGE);
    const asset = (await f.assets('main')).find((a) => a.image === IMAGE)!;
    expect(labels.length).toBe(4);
    const page = await signedIn(f.tokens.read, `/r/voc/image/${IMAGE}?ref=main`);
    await pictureLoaded(page, IMAGE);
    const drawn = await measure(page, IMAGE);
    // Shown at its own size (500 px wide fits the column at 1280x800): scale 1.
    expect(Math.abs(drawn.frame.width - asset.width)).toBeLessThanOrEqual(1);
    expect(drawn.boxes.map((b) => b.label).sort()).toEqual(labels.map((l) => l.label).sort());
    for (const l of labels)
      expectOnPixels(
        drawn.frame,
        asset.width,
        drawn.boxes.find((b) => b.label === l.label)!.rect,
        l.bbox!,
        l.label,
      );

    const rows = page.locator('[data-label-row]');
    expect(await rows.count()).toBe(4);
    const first = labels[0]!;
    const row = page.locator(`[data-label-row="${first.label}"]`);
    expect(await row.locator('.class').textContent()).toBe(first.category);
    expect(await row.locator('.attributes').textContent()).toContain('pose: ');
    expect(await row.locator('[data-blame="introduced"]').textContent()).toContain(
      'VOC 2012 boxes',
    );
    await f.screenshot(page, 'image');

    await page.getByLabel(`show label ${first.label}`).uncheck();
    expect(
      await page.locator(`[data-image-id="${IMAGE}"] [data-label-id="${first.label}"]`).count(),
    ).toBe(0);
    expect(await page.locator(`[data-image-id="${IMAGE}"] [data-label-id]`).count()).toBe(3);
    await page.getByLabel(`show label ${first.label}`).check();
    expect(await page.locator(`[data-image-id="${IMAGE}"] [data-label-id]`).count()).toBe(4);

    // At a phone's width the image shrinks to the window and the boxes scale with it.
    const phone = await f.page({ width: 390, height: 844 });
    await phone.goto(`${f.url}/r/voc/image/${IMAGE}?ref=main&token=${f.tokens.read}`);
    await pictureLoaded(phone, IMAGE);
    const small = await measure(phone, IMAGE);
    expect(small.frame.width).toBeLessThan(390);
    expect(small.frame.width).toBeGreaterThan(300);
    for (const l of labels)
      expectOnPixels(
        small.frame,
        asset.width,
        small.boxes.find((b) => b.label === l.label)!.rect,
        l.bbox!,
        `phone ${l.label}`,
      );
    const overflow = await phone.evaluate(() => {
      const w = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number } };
        innerWidth: number;
      };
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await f.screenshot(phone, 'image-phone');

    // A read-only token has no write controls, and the server refuses its writes.
    await identityShown(page, 'read');
    expect(await page.getByRole('toolbar', { name: 'review' }).count()).toBe(0);
    const refused = await fetch(`${f.url}/repos/voc/branches/main/apply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.tokens.read}`, 'content-type': 'application/x-ndjson' },
      body: JSON.stringify({
        op: 'patch',
        image: IMAGE,
        label: first.label,
        review: { status: 'approved' },
      }),
    });
    expect(refused.status).toBe(403);
    expect(f.pageErrors).toEqual([]);
  });

  it('approves, rejects (button and key) and comments: review records and commits by the signed-in identity', async () => {
    const labels = (await f.labels('main')).filter((l) => l.image === IMAGE);
    const [a, b] = [labels[0]!.label, labels[1]!.label];
    const page = await signedIn(f.tokens.review, `/r/voc/image/${IMAGE}?ref=main`);
    await pictureLoaded(page, IMAGE);
    await page.locator(`[data-label-row="${a}"]`).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `approved label ${a}` })
      .waitFor();
    await page.locator(`[data-label-row="${a}"] .status-approved`).waitFor();
    await page.keyboard.press('j');
    await page.keyboard.press('r');
    await page
      .getByRole('status')
      .filter({ hasText: `rejected label ${b}` })
      .waitFor();
    await page.locator(`[data-label-row="${b}"] .status-rejected`).waitFor();

    const after = new Map(
      (await f.labels('main')).filter((l) => l.image === IMAGE).map((l) => [l.label, l]),
    );
    expect(after.get(a)!.review).toMatchObject({
      status: 'approved',
      reviewer: identityOf('review'),
    });
    expect(after.get(b)!.review).toMatchObject({
      status: 'rejected',
      reviewer: identityOf('review'),
    });
    const log = (await f.cli(['log', 'main', '-n', '2', '--json']))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { author: string; message: string });
    expect(log.map((c) => c.author)).toEqual([identityOf('review'), identityOf('review')]);
    expect(log.map((c) => c.message)).toEqual([
      `Reject label ${b} of ${IMAGE}`,
      `Approve label ${a} of ${IMAGE}`,
    ]);

    // A comment on the selected label (b) keeps its status.
    await page.getByLabel('Comment', { exact: true }).fill('box too loose');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `commented on label ${b}` })
      .waitFor();
    await page.locator(`[data-label-row="${b}"] .review-comment`).waitFor();
    const commented = (await f.labels('main')).find((l) => l.image === IMAGE && l.label === b)!;
    expect(commented.review).toMatchObject({
      status: 'rejected',
      reviewer: identityOf('review'),
      comment: 'box too loose',
    });
    await f.screenshot(page, 'review');
    expect(f.pageErrors).toEqual([]);
  });

  it('diffs two branches: exactly the changed labels, drawn added/removed/changed where they are', async () => {
    const main = await f.labels('main');
    const of = (image: string) => main.filter((l) => l.image === image);
    const moved = of('2007_000027')[0]!;
    const removed = of('2007_000033')[0]!;
    const edits = [
      { op: 'patch', image: moved.image, label: moved.label, bbox: [150, 90, 200, 260] },
      { op: 'delete', image: removed.image, label: removed.label },
      {
        op: 'put',
        image: '2007_000039',
        label: 'new-1',
        category: 'dog',
        category_id: 12,
        bbox: [20, 30, 120, 90],
      },
    ];
    const file = join(temp.root(), 'edits.jsonl');
    writeFileSync(file, edits.map((e) => JSON.stringify(e)).join('\n') + '\n');
    await f.cli(['branch', 'create', 'fix']);
    await f.cli(['apply', file, '--branch', 'fix', '-m', 'fix three boxes']);
    const expected = (await f.cli(['diff', 'main', 'fix', '--json']))
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(
        (l) =>
          JSON.parse(l) as { tree: string; key: { image: string; label: string }; change: string },
      )
      .map((c) => `${c.key.image} ${c.tree}:${c.key.label} ${c.change}`)
      .sort();
    expect(expected.length).toBe(3);

    const page = await signedIn(f.tokens.read, '/r/voc/diff?from=main&to=fix');
    await page.locator('[data-diff-image]').first().waitFor();
    const listed = await page
      .locator('[data-diff-image]')
      .evaluateAll((items) =>
        items.flatMap((item) =>
          [...item.querySelectorAll('[data-change-key]')].map(
            (c) =>
              `${item.getAttribute('data-diff-image')} ${c.getAttribute('data-change-key')} ${c.getAttribute('data-change')}`,
          ),
        ),
      );
    expect(listed.sort()).toEqual(expected);
    const labelsRow = page.locator('[aria-label="changes per tree"] [data-tree="labels"] td');
    expect(await labelsRow.allTextContents()).toEqual(['1', '1', '1']);

    const assets = new Map((await f.assets('fix')).map((a) => [a.image, a]));
    for (const image of ['2007_000027', '2007_000033', '2007_000039'])
      await pictureLoaded(page, image);
    const changed = await measure(page, moved.image);
    expect(changed.boxes.map((b) => b.change).sort()).toEqual(['after', 'before']);
    const width = assets.get(moved.image)!.width;
    expectOnPixels(
      changed.frame,
      width,
      changed.boxes.find((b) => b.change === 'before')!.rect,
      moved.bbox!,
      'old box',
    );
    expectOnPixels(
      changed.frame,
      width,
      changed.boxes.find((b) => b.change === 'after')!.rect,
      [150, 90, 200, 260],
      'new box',
    );
    const gone = await measure(page, removed.image);
    expect(gone.boxes.map((b) => [b.label, b.change])).toEqual([[removed.label, 'removed']]);
    expectOnPixels(
      gone.frame,
      assets.get(removed.image)!.width,
      gone.boxes[0]!.rect,
      removed.bbox!,
      'removed box',
    );
    const added = await measure(page, '2007_000039');
    expect(added.boxes.map((b) => [b.label, b.change])).toEqual([['new-1', 'added']]);
    expectOnPixels(
      added.frame,
      assets.get('2007_000039')!.width,
      added.boxes[0]!.rect,
      [20, 30, 120, 90],
      'added box',
    );
    await f.screenshot(page, 'diff');

    // Side by side: the old versions on the image as it was, the new ones on the image as it is.
    await page.getByLabel('before and after side by side').check();
    await page.locator('[data-side="before"]').first().waitFor();
    const sides = await page
      .locator('[data-diff-image]')
      .evaluateAll((items) =>
        Object.fromEntries(
          items.map((item) => [
            item.getAttribute('data-diff-image'),
            [...item.querySelectorAll('[data-side]')].map((fig) => [
              fig.getAttribute('data-side'),
              [...fig.querySelectorAll('[data-label-id]')].map((g) =>
                g.getAttribute('data-change'),
              ),
            ]),
          ]),
        ),
      );
    expect(sides).toEqual({
      [moved.image]: [
        ['before', ['before']],
        ['after', ['after']],
      ],
      [removed.image]: [
        ['before', ['removed']],
        ['after', []],
      ],
      '2007_000039': [
        ['before', []],
        ['after', ['added']],
      ],
    });
    expect(f.pageErrors).toEqual([]);
  });
});
