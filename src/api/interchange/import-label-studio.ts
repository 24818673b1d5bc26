/**
 * `verso import label-studio FILE.json [--branch B] [--images DIR] [-m MSG]`: a Label Studio JSON
 * export into a branch, one commit (layer: api).
 *
 * The file is parsed whole (`formats/label-studio/read-label-studio.ts`). Each task is one
 * covered image; its labels carry Label Studio's result ids, so no matching is needed: the
 * image's labels become exactly the task's (`reimport-match-import.ts`). Class names -> ids:
 * `reimport-match-categories.ts`. With `--images`, each task's image must be found there.
 */
import { basename } from 'node:path';
import { lsImageId, parseLabelStudio } from '../../formats/label-studio/read-label-studio.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { readInputText } from '../../formats/file-kind.js';
import type { FormatPrecision } from '../../dataset/label-match.js';
import {
  importImages,
  type FormatImportOptions,
  type ImageImportResult,
  type IncomingLabel,
} from './reimport-match-import.js';
import { ImageFiles } from './reimport-match-images.js';
import type { Repository } from '../repository/repository.js';

export type ImportLabelStudioOptions = FormatImportOptions;

/** Labels come with ids: every stored label of a covered image is replaced, none is matched. */
const WITH_IDS: FormatPrecision = { render: () => [], tolerance: 0, geometry: [], fields: [] };

export async function importLabelStudio(
  repo: Repository,
  opts: ImportLabelStudioOptions,
): Promise<ImageImportResult> {
  const tasks = parseLabelStudio(readInputText(opts.path, 'label-studio'), opts.path);
  const folder = await ImageFiles.ofOption(opts.images);
  return importImages(
    repo,
    {
      ...opts,
      message: opts.message ?? `Import Label Studio ${basename(opts.path)}`,
      describe: (tag) => [opts.path, tasks[tag]?.record ?? `tasks[${tag}]`],
    },
    async (ctx) => {
      let results = 0;
      for (let tag = 0; tag < tasks.length; tag++) {
        const task = tasks[tag]!;
        const image = lsImageId(task.source);
        folder?.require(image, opts.path, task.record);
        const labels: IncomingLabel[] = [];
        for (const l of task.labels)
          labels.push({
            id: l.id,
            content: { category_id: await ctx.categories.idFor(l.name), ...l.content },
            where: `${task.record} result '${l.id}'`,
          });
        results += labels.length;
        const size: LabelContent =
          task.width !== undefined && task.height !== undefined
            ? { width: task.width, height: task.height }
            : {};
        await ctx.put({
          image,
          tag,
          labels,
          precision: WITH_IDS,
          asset: { file_name: task.source, ...size },
        });
      }
      return { format: 'label-studio', file: basename(opts.path), tasks: tasks.length, results };
    },
  );
}
