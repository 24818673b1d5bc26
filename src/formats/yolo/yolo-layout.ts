/**
 * The files of a YOLO dataset (layer: formats): label files (`*.txt`) with their image id and
 * split, and the image files found beside them (for sizes).
 *
 * Every `*.txt` under the root is a label file except the configuration's own files and split
 * lists; hidden folders are skipped; files are listed sorted (bytewise, per folder). A label
 * file's split: the split whose image folder holds it, with an `images` path segment read as
 * `labels` (Ultralytics) or as is (darknet keeps labels beside images); else the split whose list
 * file names an image with its id. Image id: the base name without extension.
 */
import { readdirSync } from 'node:fs';
import { basename, extname, join, relative, sep } from 'node:path';
import { InputFileError } from '../../io/io-errors.js';
import { readTextFile } from '../../io/text-file.js';
import type { YoloConfig } from './yolo-config.js';

export interface YoloLabelFile {
  readonly path: string;
  /** Relative to the dataset root, `/`-separated. */
  readonly rel: string;
  readonly image: string;
  readonly split?: string;
}

export interface YoloLayout {
  readonly labelFiles: readonly YoloLabelFile[];
  /** Image files under the root by image id (a repeated id keeps every path). */
  readonly images: ReadonlyMap<string, readonly string[]>;
}

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.gif', '.tif', '.tiff']);

export const imageIdOfPath = (p: string): string => {
  const name = basename(p.replaceAll('\\', '/'));
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
};

export function listYoloFiles(config: YoloConfig): YoloLayout {
  const skip = new Set([...config.configFiles, ...config.splits.flatMap((s) => s.lists)]);
  const txt: string[] = [];
  const images = new Map<string, string[]>();
  walk(config.root, (file) => {
    const ext = extname(file).toLowerCase();
    if (ext === '.txt' && !skip.has(file) && !isRootList(config.root, file)) txt.push(file);
    else if (IMAGE_EXT.has(ext)) {
      const id = imageIdOfPath(file);
      images.set(id, [...(images.get(id) ?? []), file]);
    }
  });
  const listed = listedSplits(config);
  const labelFiles = txt.map((path) => {
    const image = imageIdOfPath(path);
    const split = dirSplit(config, path) ?? listed.get(image);
    const rel = relative(config.root, path).split(sep).join('/');
    return { path, rel, image, ...(split !== undefined ? { split } : {}) };
  });
  return { labelFiles, images };
}

/** `classes.txt`, `train.txt`, ... at the root are never label files. */
function isRootList(root: string, file: string): boolean {
  return (
    relative(root, file) === basename(file) &&
    /^(classes|obj|train|val|valid|test|labels)(\.names)?\.txt$/i.test(basename(file))
  );
}

function dirSplit(config: YoloConfig, file: string): string | undefined {
  for (const s of config.splits)
    for (const dir of s.dirs) {
      const segs = dir.split(sep);
      const i = segs.lastIndexOf('images');
      const labelsDir =
        i < 0 ? dir : [...segs.slice(0, i), 'labels', ...segs.slice(i + 1)].join(sep);
      for (const d of [labelsDir, dir]) if (file.startsWith(d + sep)) return s.name;
    }
  return undefined;
}

function listedSplits(config: YoloConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of config.splits)
    for (const list of s.lists) {
      let text: string;
      try {
        text = readTextFile(list);
      } catch (e) {
        if (e instanceof InputFileError) continue; // a list that is not there names no image
        throw e; // (darknet configs often point elsewhere); one that is not UTF-8 is an error
      }
      for (const line of text.split(/\r?\n/)) {
        const t = line.trim();
        if (t !== '' && !out.has(imageIdOfPath(t))) out.set(imageIdOfPath(t), s.name);
      }
    }
  return out;
}

function walk(dir: string, visit: (file: string) => void): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
  );
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, visit);
    else if (e.isFile()) visit(path);
  }
}
