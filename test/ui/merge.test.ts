/**
 * Merge conflicts in the web UI (issue 15), on the real Pascal VOC 2012 set: the same two edits
 * of one box on two branch pairs; one pair merged with the CLI (`merge start`, `resolve
 * --theirs`, `commit`), the other in the browser (start, take theirs, commit). The browser's merge
 * lands the same snapshot the CLI's does, authored by the signed-in identity; the conflict is
 * drawn with base, ours and theirs on their pixels; a read-only token sees no merge controls.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot, verso } from '../e2e/helpers.js';
import type { DomElement, DomWindow } from './dom-shapes.js';
import { identityOf, identityShown, startUiFixture, type UiFixture } from './ui-harness.js';

const temp = useTempRoot('ui-merge');
let f: UiFixture;

beforeAll(async () => {
  f = await startUiFixture(temp.root());
}, 60_000);
afterAll(async () => f?.close());

const IMAGE = '2007_000027';
const OURS = [160, 95, 190, 255];
const THEIRS = [170, 100, 180, 250];

async function branchPair(n: number): Promise<void> {
  const write = (name: string, ops: object[]) => {
    const file = join(temp.root(), name);
    writeFileSync(file, ops.map((o) => JSON.stringify(o)).join('\n') + '\n');
    return file;
  };
  await f.cli(['branch', 'create', `ours-${n}`]);
  await f.cli(['branch', 'create', `theirs-${n}`]);
  const ours = write(`ours-${n}.jsonl`, [{ op: 'patch', image: IMAGE, label: '1', bbox: OURS }]);
  const theirs = write(`theirs-${n}.jsonl`, [
    { op: 'patch', image: IMAGE, label: '1', bbox: THEIRS },
    { op: 'delete', image: '2007_000032', label: '5' },
  ]);
  await f.cli(['apply', ours, '--branch', `ours-${n}`, '-m', 'our box']);
  await f.cli(['apply', theirs, '--branch', `theirs-${n}`, '-m', 'their box']);
}

const snapshotOf = async (ref: string) =>
  (JSON.parse(await f.cli(['show', ref, '--json'])) as { snapshot: string }).snapshot;

describe('web UI: merge conflicts', () => {
  it('resolves a conflict in the browser into the snapshot the CLI makes, by the signed-in identity', async () => {
    await branchPair(1);
    await branchPair(2);
    const stopped = await verso(['merge', 'start', 'theirs-1', '--into', 'ours-1'], {
      cwd: f.repoDir,
    });
    expect(stopped.code).toBe(1);
    await f.cli(['merge', 'resolve', '--into', 'ours-1', '--all', '--theirs']);
    await f.cli(['merge', 'commit', '--into', 'ours-1']);
    const cliSnapshot = await snapshotOf('ours-1');

    const page: Page = await f.page();
    await page.goto(`${f.url}/r/voc/merge/ours-2?token=${f.tokens.annotate}`);
    await page.getByLabel('Merge', { exact: true }).fill('theirs-2');
    await page.getByRole('button', { name: 'Start merge into ours-2' }).click();
    const conflict = page.locator(`[data-conflict="labels/${IMAGE}/1"]`);
    await conflict.waitFor();
    expect(await conflict.locator('.decision').textContent()).toBe('undecided');
    await page.waitForFunction((image) => {
      const { document } = globalThis as unknown as DomWindow;
      return !!document.querySelector(`[data-image-id="${image}"] img`)?.complete;
    }, IMAGE);
    const drawn = await page.evaluate((image) => {
      const { document } = globalThis as unknown as DomWindow;
      const rect = (e: DomElement) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const frame = document.querySelector(`[data-image-id="${image}"]`)!;
      return {
        frame: rect(frame),
        sides: [...frame.querySelectorAll('[data-label-id]')].map((g) => ({
          side: g.getAttribute('data-change'),
          box: rect(g.querySelector('rect[data-shape="box"]')!),
        })),
      };
    }, IMAGE);
    const width = (await f.assets('main')).find((a) => a.image === IMAGE)!.width;
    const scale = drawn.frame.width / width;
    const base = (await f.labels('main')).find((l) => l.image === IMAGE && l.label === '1')!.bbox!;
    const wanted: Record<string, readonly number[]> = { base, ours: OURS, theirs: THEIRS };
    expect(drawn.sides.map((s) => s.side).sort()).toEqual(['base', 'ours', 'theirs']);
    for (const { side, box } of drawn.sides) {
      const [x, y, w, h] = wanted[side!]!;
      expect(Math.abs(box.x - (drawn.frame.x + x! * scale)), `${side} x`).toBeLessThanOrEqual(1);
      expect(Math.abs(box.y - (drawn.frame.y + y! * scale)), `${side} y`).toBeLessThanOrEqual(1);
      expect(Math.abs(box.width - w! * scale), `${side} width`).toBeLessThanOrEqual(1);
      expect(Math.abs(box.height - h! * scale), `${side} height`).toBeLessThanOrEqual(1);
    }
    await f.screenshot(page, 'merge');

    await page.getByRole('button', { name: `take theirs for labels/${IMAGE}/1` }).click();
    await conflict.locator('.decision').filter({ hasText: 'theirs' }).waitFor();
    await page.getByRole('button', { name: 'Commit merge' }).click();
    await page.getByRole('status').filter({ hasText: 'merge committed' }).waitFor();

    expect(await snapshotOf('ours-2')).toBe(cliSnapshot);
    const head = JSON.parse(await f.cli(['show', 'ours-2', '--json'])) as {
      author: string;
      parents: string[];
    };
    expect(head.author).toBe(identityOf('annotate'));
    expect(head.parents.length).toBe(2);

    // A read-only token sees the (now empty) merge page without controls.
    const reader = await f.page();
    await reader.goto(`${f.url}/r/voc/merge/ours-2?token=${f.tokens.read}`);
    await reader.getByText('No merge into ours-2 is pending.').waitFor();
    await identityShown(reader, 'read');
    expect(await reader.getByRole('button', { name: /merge/i }).count()).toBe(0);
    expect(f.pageErrors).toEqual([]);
  });
});
