/**
 * The lineage page of the web UI (issue 15), on the real Pascal VOC 2012 set: a training run on
 * the dog labels with one gradient vector per example, a model and a prediction recorded with
 * the CLI; the page shows the chain prediction → model → run → snapshot → labels → people, and
 * the explanation as thumbnails in the CLI's `explain` order, each with its label drawn on its
 * stored pixels and its score.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../e2e/helpers.js';
import type { DomElement, DomWindow } from './dom-shapes.js';
import { startUiFixture, type UiFixture } from './ui-harness.js';

const temp = useTempRoot('ui-lineage');
let f: UiFixture;

beforeAll(async () => {
  f = await startUiFixture(temp.root());
}, 60_000);
afterAll(async () => f?.close());

describe('web UI: lineage and explain', () => {
  it('shows a prediction’s lineage and its most influential examples as the CLI ranks them', async () => {
    const dogs = await f.labels('main', 'class = dog');
    expect(dogs.length).toBeGreaterThan(4);
    const { run } = JSON.parse(
      await f.cli(['run', 'start', '--dataset', 'main', '--where', 'class = dog', '--json']),
    ) as { run: { id: string } };
    const vectors = join(temp.root(), 'vectors.jsonl');
    writeFileSync(
      vectors,
      dogs
        .map((l, i) =>
          JSON.stringify({ image: l.image, label: l.label, vector: [i % 3, 1, (i * 7) % 5, 0.5] }),
        )
        .join('\n') + '\n',
    );
    await f.cli(['run', 'add-vectors', run.id, vectors]);
    await f.cli(['run', 'finish', run.id]);
    await f.cli(['model', 'register', '--run', run.id, '--name', 'detector', '--version', '1']);
    const vector = join(temp.root(), 'prediction-vector.json');
    writeFileSync(vector, '[1, 1, 1, 0.5]');
    const recorded = JSON.parse(
      await f.cli([
        'predict',
        'record',
        '--model',
        'detector@1',
        '--image',
        '2007_000063',
        '--output',
        '{"class":"dog"}',
        '--vector',
        vector,
        '--json',
      ]),
    ) as { predictions: string[] };
    const prediction = recorded.predictions[0]!;
    const explained = JSON.parse(await f.cli(['explain', prediction, '--top', '24', '--json'])) as {
      examples: { image: string; label: string; score: number }[];
    };

    const page = await f.page();
    await page.goto(`${f.url}/r/voc/lineage?token=${f.tokens.read}`);
    await page.getByRole('link', { name: prediction }).click();
    await page.locator('[data-lineage="model"]').waitFor();
    expect(await page.locator('[data-lineage="model"]').textContent()).toContain('detector@1');
    expect(await page.locator('[data-lineage="run"]').textContent()).toContain(run.id);
    expect(await page.locator('[data-lineage="labels"]').textContent()).toContain(
      `${dogs.length} labels`,
    );

    const cells = page.locator('[data-example]');
    await cells.first().waitFor();
    expect(
      await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-example'))),
    ).toEqual(explained.examples.map((e) => `${e.image}/${e.label}`));
    expect(await page.locator('.explain-cell .score').allTextContents()).toEqual(
      explained.examples.map((e) => e.score.toPrecision(4)),
    );

    // The first example's box on its stored pixels in its thumbnail.
    const first = explained.examples[0]!;
    await page.waitForFunction((key) => {
      const { document } = globalThis as unknown as DomWindow;
      return !!document.querySelector(`[data-example="${key}"] img`)?.complete;
    }, `${first.image}/${first.label}`);
    const drawn = await page.evaluate((key) => {
      const { document } = globalThis as unknown as DomWindow;
      const rect = (e: DomElement) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const cell = document.querySelector(`[data-example="${key}"]`)!;
      return {
        frame: rect(cell.querySelector('[data-image-id]')!),
        box: rect(cell.querySelector('[data-label-id] rect[data-shape="box"]')!),
      };
    }, `${first.image}/${first.label}`);
    const asset = (await f.assets('main')).find((a) => a.image === first.image)!;
    const [x, y, w, h] = dogs.find(
      (l) => l.image === first.image && l.label === first.label,
    )!.bbox!;
    const scale = drawn.frame.width / asset.width;
    expect(Math.abs(drawn.box.x - (drawn.frame.x + x * scale))).toBeLessThanOrEqual(1);
    expect(Math.abs(drawn.box.y - (drawn.frame.y + y * scale))).toBeLessThanOrEqual(1);
    expect(Math.abs(drawn.box.width - w * scale)).toBeLessThanOrEqual(1);
    expect(Math.abs(drawn.box.height - h * scale)).toBeLessThanOrEqual(1);
    await f.screenshot(page, 'lineage');
    expect(f.pageErrors).toEqual([]);
  });

  it('shows the slice a run trained on and the model whose predictions chose it; an unexplained prediction keeps its chain', async () => {
    const dogs = await f.labels('main', 'class = dog');
    const predictions = join(temp.root(), 'predictions.jsonl');
    const line = (l: (typeof dogs)[number], i: number) =>
      JSON.stringify({ image: l.image, prediction: `p${i}`, category: 'dog', bbox: l.bbox, score: 0.5 + (i % 5) / 10 });
    writeFileSync(predictions, dogs.map(line).join('\n') + '\n');
    await f.cli(['predict', 'import', '--model', 'detector@1', '--dataset', 'main', predictions]);
    await f.cli(['select', '--dataset', 'main', '--predictions', 'detector@1', '--strategy', 'least-confidence', '--top', '3', '--name', 'hard-dogs']);
    const { run } = JSON.parse(await f.cli(['run', 'start', '--slice', 'hard-dogs', '--json'])) as { run: { id: string } };
    await f.cli(['model', 'register', '--run', run.id, '--name', 'detector', '--version', '2']);
    const recorded = JSON.parse(
      await f.cli(['predict', 'record', '--model', 'detector@2', '--image', '2007_000063', '--output', '{"class":"dog"}', '--json']),
    ) as { predictions: string[] };

    const page = await f.page();
    await page.goto(`${f.url}/r/voc/lineage?token=${f.tokens.read}`);
    await page.getByRole('link', { name: recorded.predictions[0]! }).click();
    await page.locator('[data-lineage="slice"]').waitFor();
    const slice = await page.locator('[data-lineage="slice"]').textContent();
    expect(slice).toContain('hard-dogs');
    expect(slice).toContain('chosen by least-confidence on the predictions of detector@1');
    expect(await page.locator('[data-lineage="run"]').textContent()).toContain(run.id);
    expect(await page.locator('.explain-unavailable').textContent()).toContain('Not explained');
    expect(await page.locator('[data-example]').count()).toBe(0);
    expect(f.pageErrors).toEqual([]);
  }); // prettier-ignore
});
