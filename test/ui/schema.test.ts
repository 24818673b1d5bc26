/**
 * The schema page of the web UI (issue 15): two versions made with the CLI (the second renames a
 * class and splits another); the timeline lists them newest first, and a version shows its
 * classes and its delta in the words of `verso schema diff` (the same lines).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../e2e/helpers.js';
import { startUiFixture, type UiFixture } from './ui-harness.js';

const temp = useTempRoot('ui-schema');
let f: UiFixture;

beforeAll(async () => {
  f = await startUiFixture(temp.root(), 'people');
}, 60_000);
afterAll(async () => f?.close());

describe('web UI: schema versions', () => {
  it('shows the timeline, each version’s classes and its delta as verso schema diff words it', async () => {
    const v1 = join(temp.root(), 'v1.yaml');
    const v2 = join(temp.root(), 'v2.yaml');
    writeFileSync(v1, 'classes:\n  - {id: 1, name: person}\n  - {id: 2, name: car}\n');
    writeFileSync(
      v2,
      'classes:\n  - {id: 1, name: pedestrian}\n  - {id: 5, name: sedan}\n  - {id: 6, name: suv}\n' +
        'ops:\n  - {op: split_class, id: 2, into: [5, 6], default: 5}\n',
    );
    await f.cli(['schema', 'create', '1.0', '--from', v1, '-m', 'first taxonomy']);
    await f.cli(['schema', 'create', '2.0', '--from', v2, '-m', 'split cars']);
    const diff = JSON.parse(await f.cli(['schema', 'diff', '1.0', '2.0', '--json'])) as {
      steps: { text: string }[];
    };

    const page = await f.page();
    await page.goto(`${f.url}/r/people/schema?token=${f.tokens.read}`);
    const timeline = page.locator('[data-schema-version]');
    await timeline.first().waitFor();
    expect(
      await timeline.evaluateAll((els) => els.map((e) => e.getAttribute('data-schema-version'))),
    ).toEqual(['2.0', '1.0']);
    const delta = page.getByRole('list', { name: 'delta' }).locator('li');
    await delta.first().waitFor();
    expect(await delta.allTextContents()).toEqual(diff.steps.map((s) => s.text));
    expect(await page.locator('.class-name').allTextContents()).toEqual([
      'pedestrian',
      'sedan',
      'suv',
    ]);
    await f.screenshot(page, 'schema');

    await page.getByRole('link', { name: '1.0', exact: true }).click();
    await page.locator('.class-name').filter({ hasText: 'car' }).waitFor();
    expect(await page.locator('.class-name').allTextContents()).toEqual(['person', 'car']);
    expect(f.pageErrors).toEqual([]);
  });
});
