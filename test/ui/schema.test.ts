/**
 * The schema page of the web UI (issue 15): two versions made with the CLI (the second renames a
 * class and splits another); the timeline lists them newest first, and a version shows its
 * classes and its delta in the words of `verso schema diff` (the same lines). Once the branch is
 * at the first version, the page previews migrating it to the second with the counts of `verso
 * migrate --dry-run` (per op, nothing written; a read token is told it needs the review role),
 * and the gallery and the image page read the labels as the second version (the selector's
 * choice kept in the address and across pages), with the count and plan of a filter on it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../e2e/helpers.js';
import { identityShown, startUiFixture, type StoredLabel, type UiFixture } from './ui-harness.js';

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

  it('previews a migration with the dry run’s counts, and reads the gallery as another version', async () => {
    await f.cli(['migrate', '--branch', 'main', '--to', '1.0', '-m', 'adopt 1.0']);
    const headBefore = (await f.cli(['log', 'main', '-n', '1', '--json'])).split('\n')[0];
    const dry = JSON.parse(
      await f.cli(['migrate', '--branch', 'main', '--to', '2.0', '--dry-run', '--json']),
    ) as {
      labels: number;
      rewritten: number;
      marked: number;
      ops: { text: string; labels: number }[];
    };
    expect(dry.labels).toBe(14);

    const page = await f.page();
    await page.goto(`${f.url}/r/people/schema?version=2.0&token=${f.tokens.review}`);
    await page.getByRole('button', { name: 'Preview migration to 2.0' }).click();
    const summary = page.locator('.migration-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toBe(
      `Migrating main from 1.0 to 2.0 would rewrite ${dry.rewritten} and mark ${dry.marked} for review of ${dry.labels} labels.`,
    );
    const rows = page.getByRole('table', { name: 'migration preview' }).locator('tbody tr');
    expect(
      await rows.evaluateAll((trs) =>
        trs.map((tr) => [tr.children[0]!.textContent, Number(tr.children[3]!.textContent)]),
      ),
    ).toEqual(dry.ops.map((o) => [o.text, o.labels]));
    await f.screenshot(page, 'schema-migration-preview');
    // A dry run writes nothing.
    expect((await f.cli(['log', 'main', '-n', '1', '--json'])).split('\n')[0]).toBe(headBefore);

    const reader = await f.page();
    await reader.goto(`${f.url}/r/people/schema?version=2.0&token=${f.tokens.read}`);
    await reader.locator('.migration-preview').filter({ hasText: 'review role' }).waitFor();
    await identityShown(reader, 'read');
    expect(await reader.getByRole('button', { name: /Preview migration/ }).count()).toBe(0);

    // 2.0's split needs a review, so reading as 2.0 is refused; 1.1 (from 1.0) only renames.
    const v11 = join(temp.root(), 'v11.yaml');
    writeFileSync(v11, 'classes:\n  - {id: 1, name: human}\n  - {id: 2, name: car}\n');
    await f.cli(['schema', 'create', '1.1', '--from', v11, '--parent', '1.0', '-m', 'humans']);
    // The gallery read as 1.1: the classes drawn are the 1.1 names `verso cat --schema` gives.
    const as11 = JSON.parse(
      '[' + (await f.cli(['cat', 'main', '--schema', '1.1'])).trim().split('\n').join(',') + ']',
    ) as StoredLabel[];
    expect([...new Set(as11.map((l) => l.category))]).toEqual(['human']);
    await page.goto(`${f.url}/r/people/gallery?ref=main`);
    await page.getByRole('combobox', { name: 'Read as schema' }).selectOption('1.1');
    await page.getByRole('heading', { name: /read as schema 1\.1/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('schema')).toBe('1.1');
    await page.locator('[data-label-id] title').first().waitFor({ state: 'attached' });
    const titles = await page.locator('[data-label-id] title').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) expect(t).toMatch(/^human \(/);

    // A filter on the 1.1 names: the count is what cat --schema gives, with its plan.
    await page.getByLabel('Filter').fill('class = human');
    await page.getByLabel('Filter').press('Enter');
    await page.locator('.filter-count').filter({ hasText: 'match' }).waitFor();
    expect(await page.locator('.filter-count').textContent()).toBe(
      `${new Set(as11.map((l) => l.image)).size} images, ${as11.length} labels match`,
    );
    await page.locator('.filter-plan').waitFor();
    expect(await page.locator('.filter-plan summary').textContent()).toMatch(/^Plan: (scan|index)/);

    // The image page keeps the version and shows the label table in its names.
    await page.locator('.gallery-cell').first().click();
    await page.getByRole('table', { name: 'labels' }).locator('.class').first().waitFor();
    expect(new URL(page.url()).searchParams.get('schema')).toBe('1.1');
    expect(await page.getByRole('combobox', { name: 'Read as schema' }).inputValue()).toBe('1.1');
    for (const c of await page
      .getByRole('table', { name: 'labels' })
      .locator('.class')
      .allTextContents())
      expect(c).toBe('human');
    expect(f.pageErrors).toEqual([]);
  });
});
