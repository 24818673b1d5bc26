/**
 * `npm run bench -- ui [--labels 100000] [--runs 5] [--variants 3]` (layer: bench): the web UI as
 * its users meet it, in Debian's Chromium driven by playwright-core, against `verso serve` (its
 * own process) over the generated dataset with generated images.
 *
 * The repository (cached in `.bench-data/work/ui-N`): one image file per image of the
 * generator's plan, named by its id and at the size the labels were drawn for (`IMAGE_SIZES`),
 * added with `verso add images`; the labels imported on `main`; the generator's 500-op batch
 * applied to branch `edited`. Image bytes: `--variants` JPEGs per size, made with sharp, and each
 * image file a hard link to one of them (a million distinct photos would not fit this machine),
 * so the server's thumbnail cache holds few entries and the first visit pays for making them.
 *
 * Measured, in a fresh browser context each run (no HTTP cache), at 1280x800:
 * - gallery first page ready: navigation start to every drawn cell showing its thumbnail with
 *   its labels and the count shown (the first visit, cold thumbnails, reported apart);
 *   target <= 1 s;
 * - image page ready: a click on a thumbnail to the full image shown with every overlay and
 *   the label table (with blame); target <= 300 ms;
 * - visual diff of the 500-edit commit: in-app navigation to the summary counts and the changed
 *   images near the viewport (the page draws those; the rest are listed, drawn when scrolled
 *   to) each shown with its overlays; target <= 1 s;
 * - scrolling 10 gallery pages (600 images) at 40 px a frame: frame intervals from
 *   requestAnimationFrame, a frame dropped when its interval is over 1.5 x 16.7 ms; the pages
 *   fetched and the cells still blank at the end; target: no dropped frames.
 * Prints the table and writes `bench-results/ui.json`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { ensureDataset } from './gen-data.js';
import { imageSize, planImages } from './gen-image-plan.js';
import { IMAGE_SIZES } from './gen-spec.js';
import { median } from './measure.js';
import { VERSO_CLI } from './paths.js';
import { benchLog, fmtNumber, renderTable, type TableRow } from './table.js';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    variants: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    chromium: { type: 'string', default: process.env['VERSO_CHROMIUM'] ?? '/usr/bin/chromium' },
    'data-dir': { type: 'string', default: '.bench-data' },
    'work-dir': { type: 'string', default: '.bench-data/work' },
    out: { type: 'string', default: 'bench-results' },
  },
});
const N = Number(values.labels);
const RUNS = Number(values.runs);
const VARIANTS = Number(values.variants);
const SEED = Number(values.seed);
const log = benchLog('ui');
const repoDir = resolve(values['work-dir'], `ui-${N}`);
const VIEWPORT = { width: 1280, height: 800 };
/** The gallery's layout (ui/src/gallery/GalleryPage.tsx, gallery-data.ts). */
const GALLERY = { cellWidth: 216, cellHeight: 240, pageSize: 60 };
const FRAME_MS = 1000 / 60;
const SCROLL_STEP_PX = 40;
const SCROLL_PAGES = 10;

if (!existsSync(values.chromium))
  throw new Error(
    `the UI bench drives Debian's Chromium at ${values.chromium}: install it (apt-get install chromium) or pass --chromium`,
  );
if (!existsSync(resolve(import.meta.dirname, '../ui/index.html')))
  throw new Error('the web UI is not built (dist/ui): run `npm run build`');

function verso(args: string[]): string {
  const r = spawnSync(process.execPath, [VERSO_CLI, '--repo', repoDir, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`verso ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// ------------------------------------------------------------------ the repository

const ds = await ensureDataset({
  labels: N,
  seed: SEED,
  outDir: resolve(values['data-dir'], `labels-${N}-seed-${SEED}`),
  editSizes: [500],
});
const prepared = join(repoDir, 'ui-bench-prepared');
if (!existsSync(prepared)) {
  rmSync(repoDir, { recursive: true, force: true });
  mkdirSync(repoDir, { recursive: true });
  const imagesDir = resolve(values['work-dir'], `ui-images-${N}-seed-${SEED}`);
  await writeImages(imagesDir);
  verso(['init']);
  log(`adding ${ds.images} images`);
  verso(['add', 'images', imagesDir, '-m', 'generated images']);
  log(`importing ${N} labels`);
  verso(['import', 'labels', ds.labelsFile, '-m', 'generated labels']);
  verso(['branch', 'create', 'edited', '--from', 'main']);
  verso(['apply', ds.editFiles[0]!.file, '--branch', 'edited', '-m', '500 edits']);
  rmSync(imagesDir, { recursive: true, force: true });
  writeFileSync(prepared, new Date().toISOString());
} else log(`reusing ${repoDir}`);

/** One JPEG file per planned image, a hard link to one of `--variants` made per size. */
async function writeImages(dir: string): Promise<void> {
  const bases = `${dir}-bases`;
  for (const d of [dir, bases]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  log(`encoding ${IMAGE_SIZES.length * VARIANTS} base images`);
  for (const [s, [width, height]] of IMAGE_SIZES.entries())
    for (let v = 0; v < VARIANTS; v++)
      await sharp({
        create: {
          width,
          height,
          channels: 3,
          background: { r: 40 + 60 * v, g: 90 + 15 * s, b: 160 },
          noise: { type: 'gaussian', mean: 128, sigma: 20 },
        },
      })
        .jpeg({ quality: 70 })
        .toFile(join(bases, `${s}-${v}.jpg`));
  const plan = planImages(SEED >>> 0, N);
  log(`linking ${plan.images} image files`);
  for (let i = 1; i <= plan.images; i++) {
    const folder = join(dir, String(Math.floor(i / 1000)).padStart(5, '0'));
    if (i === 1 || i % 1000 === 0) mkdirSync(folder, { recursive: true });
    const [w, h] = imageSize(plan, i);
    const s = IMAGE_SIZES.findIndex(([a, b]) => a === w && b === h);
    linkSync(join(bases, `${s}-${i % VARIANTS}.jpg`), join(folder, `${imageId(i)}.jpg`));
  }
  rmSync(bases, { recursive: true, force: true });
}

function imageId(i: number): string {
  return String(i).padStart(8, '0');
}

// ------------------------------------------------------------------ the measurements

const token = (
  JSON.parse(
    verso(['token', 'create', '--name', `ui-bench-${Date.now()}`, '--role', 'admin', '--json']),
  ) as { token: string }
).token;
const server = await startServer();
const browser = await chromium.launch({ executablePath: values.chromium });
const rows: TableRow[] = [];
// Other work on the machine shows in the frame times: the load is recorded with them.
const loadAtStart = loadavg()[0]!;
const results: Record<string, unknown> = {
  labels: N,
  images: ds.images,
  runs: RUNS,
  loadAtStart,
};
try {
  const base = `${server.url}/r/${encodeURIComponent(server.name)}`;
  const withToken = (path: string) =>
    `${base}${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;

  log('gallery first page');
  const galleryMs: number[] = [];
  let coldGalleryMs = 0;
  for (let run = 0; run <= RUNS; run++) {
    const page = await newPage(browser);
    await page.goto(withToken('/gallery?ref=main'));
    const ms = await galleryReady(page);
    if (run === 0) coldGalleryMs = ms;
    else galleryMs.push(ms);
    await page.context().close();
  }

  log('image page from a click in the gallery');
  const imageMs: number[] = [];
  {
    const page = await newPage(browser);
    await page.goto(withToken('/gallery?ref=main'));
    await galleryReady(page);
    for (let run = 0; run < RUNS; run++) {
      const t0 = await page.evaluate((k) => {
        const d = (globalThis as unknown as { document: BrowserDocument }).document;
        const cell = [...d.querySelectorAll('.gallery-cell')][k]!;
        const start = performance.now();
        cell.click();
        return start;
      }, run + 1);
      imageMs.push((await imageReady(page)) - t0);
      await page.goBack();
      await galleryReady(page);
    }
    await page.context().close();
  }

  log('visual diff of the 500-edit commit');
  const diffMs: number[] = [];
  let diffImages = 0;
  for (let run = 0; run < RUNS; run++) {
    const page = await newPage(browser);
    await page.goto(withToken('/gallery?ref=main'));
    await galleryReady(page);
    const t0 = await page.evaluate(
      (href) => {
        const w = globalThis as unknown as BrowserWindow;
        const start = performance.now();
        w.history.pushState(null, '', href);
        w.dispatchEvent(new w.Event('verso:navigated'));
        return start;
      },
      `/r/${encodeURIComponent(server.name)}/diff?from=edited~1&to=edited`,
    );
    const ready = await diffReady(page);
    diffMs.push(ready.at - t0);
    diffImages = ready.images;
    await page.context().close();
  }

  log(`scrolling ${SCROLL_PAGES} gallery pages`);
  const page = await newPage(browser);
  const pageRequests: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith('/images')) pageRequests.push(r.url());
  });
  await page.goto(withToken('/gallery?ref=main'));
  await galleryReady(page);
  const before = pageRequests.length;
  const scroll = await page.evaluate(scrollPages, {
    ...GALLERY,
    pages: SCROLL_PAGES,
    step: SCROLL_STEP_PX,
  });
  await page.waitForTimeout(1000);
  const blankAfter = await page.evaluate(
    () =>
      [
        ...(globalThis as unknown as { document: BrowserDocument }).document.querySelectorAll(
          '.grid-cell-pending',
        ),
      ].length,
  );
  const intervals = scroll.frames.slice(1).map((t, i) => t - scroll.frames[i]!);
  const dropped = intervals.filter((d) => d > 1.5 * FRAME_MS).length;
  const longest = Math.max(0, ...intervals);
  await page.context().close();

  const ms = (x: number) => `${fmtNumber(x)} ms`;
  rows.push(
    {
      operation: `gallery first page ready (median of ${RUNS}, fresh contexts)`,
      measured: ms(median(galleryMs)),
      target: '<= 1000 ms',
      ok: median(galleryMs) <= 1000,
    },
    {
      operation: '  first visit (thumbnails made)',
      measured: ms(coldGalleryMs),
      target: '',
      ok: null,
    },
    {
      operation: `image page ready after a click (median of ${RUNS})`,
      measured: ms(median(imageMs)),
      target: '<= 300 ms',
      ok: median(imageMs) <= 300,
    },
    {
      operation: `visual diff of the 500-edit commit (${diffImages} images drawn, median)`,
      measured: ms(median(diffMs)),
      target: '<= 1000 ms',
      ok: median(diffMs) <= 1000,
    },
    {
      operation: `scroll ${SCROLL_PAGES} pages (${scroll.px} px, ${intervals.length} frames): dropped`,
      measured: `${dropped} (longest ${fmtNumber(longest)} ms)`,
      target: '0 dropped',
      ok: dropped === 0,
    },
    {
      operation: '  pages fetched while scrolling; cells blank 1 s after',
      measured: `${pageRequests.length - before}; ${blankAfter}`,
      target: '',
      ok: null,
    },
  );
  Object.assign(results, {
    galleryMs,
    coldGalleryMs,
    imageMs,
    diffMs,
    diffImages,
    scroll: { px: scroll.px, intervals, dropped, longest },
    pagesFetched: pageRequests.length - before,
    blankAfter,
  });
} finally {
  await browser.close();
  server.process.kill('SIGTERM');
}
process.stdout.write(
  renderTable(
    `web UI, ${N} labels on ${ds.images} images (Chromium ${VIEWPORT.width}x${VIEWPORT.height}, server on the same machine, load average ${fmtNumber(loadAtStart)} at start)`,
    rows,
  ),
);
mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'ui.json'), JSON.stringify({ results, rows }, null, 2));

// ------------------------------------------------------------------ page probes

/** The few DOM shapes the probes use (the bench compiles without the DOM library). */
interface BrowserElement {
  querySelector(s: string): BrowserElement | null;
  querySelectorAll(s: string): Iterable<BrowserElement>;
  textContent: string | null;
  complete?: boolean;
  clientWidth: number;
  clientHeight: number;
  scrollTop: number;
  click(): void;
}
type BrowserDocument = BrowserElement;
interface BrowserWindow {
  document: BrowserDocument;
  history: { pushState(s: null, t: string, href: string): void };
  dispatchEvent(e: unknown): void;
  Event: new (type: string) => unknown;
  readyAt?: number;
  requestAnimationFrame(f: (t: number) => void): void;
}

async function newPage(b: Browser): Promise<Page> {
  const context = await b.newContext({ viewport: VIEWPORT });
  return context.newPage();
}

/**
 * When (page clock: ms since navigation start) `check` first held, polled every frame. Each
 * check runs in the page (serialized: no closure) and stamps `readyAt` itself.
 */
async function readyWhen(page: Page, check: () => boolean): Promise<number> {
  await page.evaluate(() => {
    delete (globalThis as unknown as BrowserWindow).readyAt;
  });
  await page.waitForFunction(check, undefined, { polling: 'raf', timeout: 120_000 });
  return page.evaluate(() => (globalThis as unknown as BrowserWindow).readyAt!);
}

function galleryReady(page: Page): Promise<number> {
  return readyWhen(page, () => {
    const w = globalThis as unknown as BrowserWindow;
    const d = w.document;
    const frames = [...d.querySelectorAll('.virtual-grid [data-image-id]')];
    const ok =
      frames.length > 0 &&
      [...d.querySelectorAll('.grid-cell-pending')].length === 0 &&
      frames.every((f) => f.querySelector('img')?.complete === true) &&
      (d.querySelector('.filter-count')?.textContent ?? '') !== '' &&
      // Shown: the page is hidden until who the token is is known.
      (d.querySelector('.identity')?.textContent ?? '') !== '';
    if (ok && w.readyAt === undefined) w.readyAt = performance.now();
    return ok;
  });
}

function imageReady(page: Page): Promise<number> {
  return readyWhen(page, () => {
    const w = globalThis as unknown as BrowserWindow;
    const d = w.document;
    const picture = d.querySelector('.full-image img');
    const rows = [...d.querySelectorAll('[data-label-row]')].length;
    const ok =
      picture?.complete === true &&
      d.querySelector('table.label-list') !== null &&
      [...d.querySelectorAll('.full-image [data-label-id]')].length === rows;
    if (ok && w.readyAt === undefined) w.readyAt = performance.now();
    return ok;
  });
}

async function diffReady(page: Page): Promise<{ at: number; images: number }> {
  const at = await readyWhen(page, () => {
    const w = globalThis as unknown as BrowserWindow;
    const d = w.document;
    const ok =
      d.querySelector('.diff-summary') !== null &&
      [...d.querySelectorAll('.diff-frame img')].length > 0 &&
      [...d.querySelectorAll('.diff-loading')].length === 0 &&
      [...d.querySelectorAll('.diff-frame')].every(
        (f) => f.querySelector('img')?.complete === true,
      );
    if (ok && w.readyAt === undefined) w.readyAt = performance.now();
    return ok;
  });
  // The changed images drawn (those near the viewport; the others are listed, not drawn yet).
  const images = await page.evaluate(
    () =>
      [
        ...(globalThis as unknown as { document: BrowserDocument }).document.querySelectorAll(
          '.diff-frame img',
        ),
      ].length,
  );
  return { at, images };
}

/** Runs in the page: scrolls the gallery `pages` pages, `step` px a frame; the frame times. */
function scrollPages(o: {
  cellWidth: number;
  cellHeight: number;
  pageSize: number;
  pages: number;
  step: number;
}): Promise<{ px: number; frames: number[] }> {
  const w = globalThis as unknown as BrowserWindow;
  const grid = w.document.querySelector('.virtual-grid')!;
  const columns = Math.max(1, Math.floor(grid.clientWidth / o.cellWidth));
  const px = Math.ceil((o.pages * o.pageSize) / columns) * o.cellHeight;
  const start = grid.scrollTop;
  const frames: number[] = [];
  return new Promise((done) => {
    const frame = (t: number) => {
      frames.push(t);
      if (grid.scrollTop - start >= px) return done({ px, frames });
      grid.scrollTop = Math.min(start + px, grid.scrollTop + o.step);
      w.requestAnimationFrame(frame);
    };
    w.requestAnimationFrame(frame);
  });
}

async function startServer(): Promise<{ url: string; name: string; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=3072', VERSO_CLI, '--repo', repoDir, 'serve', '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) done(out);
    });
    child.once('exit', (code) => fail(new Error(`verso serve exited ${code}`)));
  });
  const url = /(http:\/\/\S+)/.exec(line)?.[1];
  const name = /\/repos\/(\S+?),? at/.exec(line)?.[1];
  if (!url || !name) throw new Error(`cannot read the server's address from: ${line}`);
  return { url: new URL(url).origin, name, process: child };
}
