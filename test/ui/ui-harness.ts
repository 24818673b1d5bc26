/**
 * Test support for the web UI: a real `verso serve` (`startServer`) on 127.0.0.1 over a
 * repository made with the CLI from real data (`voc`: the Pascal VOC 2012 set, 100 images added
 * as blobs and 273 boxes imported from the VOC XML; `people`: 4 COCO val2017 images with 14
 * person polygons and keypoints; `masks`: 2 COCO val2017 images with 50 compressed-RLE masks),
 * one real token per role (`verso token create`, checked by
 * the server's own token check), and Debian's Chromium driven by playwright-core.
 *
 * Nothing is skipped: without Chromium (`/usr/bin/chromium`, or `VERSO_CHROMIUM`) or without the
 * built UI (`dist/ui`, made by `npm run build`) the tests fail with a message saying what to
 * install or run. Screenshots go to `VERSO_UI_SCREENSHOTS` or a temporary folder (not the
 * repository); the test prints where.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Role } from '../../src/server/index.js';
import { repositoryTokenCheck, startServer, type RunningServer } from '../../src/server/index.js';
import { expectOk, REPO_ROOT, verso } from '../e2e/helpers.js';

const REAL = resolve(REPO_ROOT, '../shared/data/real');
export const VOC_IMAGES = join(REAL, 'images/review_object_detection_metrics/data/database/images');
export const VOC_XML = join(
  REAL,
  'pascal_voc/review_object_detection_metrics/data/database/gts/pascalvoc_format',
);

/** Real COCO val2017 person keypoints (polygons + 17 keypoints), with their 4 images. */
const COCO_PEOPLE = join(REAL, 'coco/mmpose/tests/data/coco');

/** Real COCO val2017 panoptic segments as instances: 50 compressed-RLE masks on 2 images. */
const COCO_MASKS = join(REAL, 'coco/panopticapi/sample_data');

/** The repositories a fixture can make, each named by its folder (its name in URLs). */
export type UiDataset = 'voc' | 'people' | 'masks';

export const CHROMIUM = process.env['VERSO_CHROMIUM'] ?? '/usr/bin/chromium';

export const SCREENSHOTS =
  process.env['VERSO_UI_SCREENSHOTS'] ?? join(tmpdir(), 'verso-ui-screenshots');

export interface StoredLabel {
  readonly image: string;
  readonly label: string;
  readonly category?: string;
  readonly bbox?: [number, number, number, number];
  readonly segmentation?: number[][] | { size: [number, number]; counts: string | number[] };
  readonly area?: number;
  readonly keypoints?: number[];
  readonly review?: { status?: string; reviewer?: string; comment?: string };
}

export interface StoredAsset {
  readonly image: string;
  readonly width: number;
  readonly height: number;
}

/** Each role's token is named, and so identified as, `<role>-user`. */
export const identityOf = (role: Role): string => `${role}-user`;

/**
 * Waits until the page shows who its token is (`role` known): pages load their data while the
 * server is asked, so write controls can only be judged absent after this.
 */
export async function identityShown(page: Page, role: Role): Promise<void> {
  await page
    .getByLabel('signed in as')
    .filter({ hasText: `${identityOf(role)} ${role}` })
    .waitFor();
}

/** An element's box on screen, in CSS pixels. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface UiFixture {
  readonly url: string;
  readonly repoDir: string;
  readonly tokens: Readonly<Record<Role, string>>;
  readonly browser: Browser;
  readonly server: RunningServer;
  /** Uncaught errors of any page (a test asserts none). */
  readonly pageErrors: Error[];
  /** `verso ARGS` in the repository (the CLI, not the server), its stdout. */
  cli(args: readonly string[]): Promise<string>;
  labels(ref: string, where?: string): Promise<StoredLabel[]>;
  assets(ref: string): Promise<StoredAsset[]>;
  /** A new 1280x800 page (or `viewport`), closed by `close()`. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  /** A new page opened at `path` with `?token=` (the sign-in URL `verso serve` prints). */
  signedIn(token: string, path: string): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export function requireUiPrerequisites(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `the UI tests drive Debian's Chromium at ${CHROMIUM}, which is missing: install it ` +
        '(apt-get install chromium; .ci/run does), or set VERSO_CHROMIUM to a Chromium executable',
    );
  if (!existsSync(join(REPO_ROOT, 'dist/ui/index.html')))
    throw new Error('the web UI is not built (dist/ui/index.html): run `npm run build`');
}

/** Makes the repository with the CLI in `parent` (`parent/<dataset>`), serves it, launches Chromium. */
export async function startUiFixture(
  parent: string,
  dataset: UiDataset = 'voc',
): Promise<UiFixture> {
  requireUiPrerequisites();
  const repoDir = join(parent, dataset);
  const cli = async (args: readonly string[]) =>
    expectOk(await verso(args, { cwd: repoDir }), `verso ${args.join(' ')}`).stdout;
  expectOk(await verso(['init', repoDir]), 'verso init');
  if (dataset === 'voc') {
    await cli(['add', 'images', VOC_IMAGES, '-m', 'VOC 2012 images']);
    await cli(['import', 'voc', VOC_XML, '-m', 'VOC 2012 boxes']);
  } else if (dataset === 'masks') {
    const dir = join(COCO_MASKS, 'input_images');
    await cli(['add', 'images', ...readdirSync(dir).map((n) => join(dir, n)), '-m', 'COCO images']);
    await cli(['import', 'coco', join(COCO_MASKS, 'panoptic_coco_detection_format.json')]);
  } else {
    const images = readdirSync(COCO_PEOPLE).filter((n) => n.endsWith('.jpg'));
    await cli(['add', 'images', ...images.map((n) => join(COCO_PEOPLE, n)), '-m', 'COCO people']);
    await cli(['import', 'coco', join(COCO_PEOPLE, 'test_coco.json'), '-m', 'COCO keypoints']);
  }

  // Real tokens, made as a user would: `verso token create`; the server checks them itself.
  const tokens = {} as Record<Role, string>;
  for (const role of ['read', 'annotate', 'review', 'admin'] as const) {
    const created = JSON.parse(
      await cli(['token', 'create', '--name', identityOf(role), '--role', role, '--json']),
    ) as { token: string };
    tokens[role] = created.token;
  }
  const server = await startServer({
    source: { repo: repoDir },
    port: 0,
    checkToken: repositoryTokenCheck,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const pages: Page[] = [];
  const pageErrors: Error[] = [];
  const jsonLines = <T>(text: string): T[] =>
    text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as T);
  const newPage = async (viewport = { width: 1280, height: 800 }): Promise<Page> => {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (e) => pageErrors.push(e));
    pages.push(page);
    return page;
  };
  return {
    url: server.url,
    repoDir,
    tokens,
    browser,
    server,
    pageErrors,
    cli,
    labels: async (ref, where) =>
      jsonLines<StoredLabel>(await cli(['cat', ref, ...(where ? ['--where', where] : [])])),
    assets: async (ref) => jsonLines<StoredAsset>(await cli(['asset', 'list', ref, '--json'])),
    page: newPage,
    async signedIn(token, path) {
      const page = await newPage();
      const sep = path.includes('?') ? '&' : '?';
      await page.goto(`${server.url}${path}${sep}token=${encodeURIComponent(token)}`);
      return page;
    },
    screenshot: async (page, name) => {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
