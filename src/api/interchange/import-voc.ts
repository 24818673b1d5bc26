/**
 * `verso import voc PATH [--branch B] [--images DIR] [-m MSG]`: Pascal VOC XML into a branch, one
 * commit (layer: api).
 *
 * PATH is one XML file or a folder searched recursively for `*.xml` (sorted, hidden folders
 * skipped); files are parsed one at a time (`formats/voc/read-voc.ts`). Image id: the base name
 * of `<filename>` without extension (the XML's base name when absent); its size from `<size>`,
 * else `--images`, else the branch's asset record (a size is only needed to check geometry, so an
 * unknown size is not an error). With `--images`, every image must be found there. Class names
 * -> ids: `reimport-match-categories.ts`. Matching: `reimport-match-import.ts`.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputFileError } from '../../io/io-errors.js';
import { parseVoc } from '../../formats/voc/read-voc.js';
import { misfiledInputError } from '../../formats/file-kind.js';
import { readTextFile } from '../../io/text-file.js';
import { vocNumbers } from '../../formats/voc/write-voc.js';
import { imageIdOfPath } from '../../formats/yolo/yolo-layout.js';
import type { FormatPrecision } from '../../dataset/label-match.js';
import {
  importImages,
  type FormatImportOptions,
  type ImageImportResult,
  type IncomingLabel,
} from './reimport-match-import.js';
import { findImage, ImageFiles } from './reimport-match-images.js';
import type { Repository } from '../repository/repository.js';

export type ImportVocOptions = FormatImportOptions;

/** VOC coordinates are written with 2 decimals (`write-voc.ts`). */
export const VOC_PRECISION: FormatPrecision = {
  render: vocNumbers,
  tolerance: 0.006,
  geometry: ['bbox'],
  fields: ['category_id', 'category', 'attributes'],
};

export async function importVoc(
  repo: Repository,
  opts: ImportVocOptions,
): Promise<ImageImportResult> {
  const files = xmlFiles(opts.path);
  const folder = await ImageFiles.ofOption(opts.images);
  return importImages(
    repo,
    {
      ...opts,
      message: opts.message ?? `Import VOC ${basename(opts.path)}`,
      describe: (tag) => [files[tag] ?? opts.path, '<annotation>'],
    },
    async (ctx) => {
      for (let tag = 0; tag < files.length; tag++) {
        const file = files[tag]!;
        const voc = parseVoc(readTextFile(file), file);
        const image = imageIdOfPath(voc.fileName ?? file);
        folder?.require(image, file, 'filename');
        const known =
          voc.width !== undefined && voc.height !== undefined
            ? { width: voc.width, height: voc.height }
            : await findImage(image, folder ? [folder] : [], await ctx.storedAsset(image));
        const labels: IncomingLabel[] = [];
        for (const o of voc.objects)
          labels.push({
            content: { category_id: await ctx.categories.idFor(o.name), ...o.content },
            where: o.record,
          });
        await ctx.put({
          image,
          tag,
          labels,
          precision: VOC_PRECISION,
          asset: {
            file_name: voc.fileName ?? basename(file),
            ...(known ? { width: known.width, height: known.height } : {}),
          },
        });
      }
      return { format: 'voc', path: basename(opts.path), files: files.length };
    },
  );
}

/** `path` itself, or every `*.xml` under it (sorted bytewise per folder, hidden folders skipped). */
function xmlFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputFileError(path, 'no such file or folder');
  }
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
    );
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.xml$/i.test(e.name)) out.push(p);
    }
  };
  walk(path);
  if (out.length === 0)
    throw (
      misfiledInputError(path, 'voc') ?? new InputFileError(path, 'no *.xml files in this folder')
    );
  return out;
}
