/**
 * The predictions of a `predict import` input, per format (layer: api), in batches (a block of
 * lines, a file): native JSONL (streamed a 1 MiB block at a time), COCO results (with the COCO
 * file that maps their ids) and a folder of YOLO txt files with confidences (with a
 * class-names file; image sizes from the dataset's asset records). Every prediction is checked here (format, score range, ids); what only the dataset
 * can say (known image, known class) is `prediction-dataset-check.ts`.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';
import type { ImageSize } from '../../dataset/label-geometry.js';
import { parsePredictionLine, type PredictionLine } from '../../dataset/prediction-line.js';
import { parseCocoResults, readCocoIdMap } from '../../formats/coco/read-coco-results.js';
import { parseYoloNames, parseYoloPredictions } from '../../formats/yolo/read-yolo-predictions.js';
import { imageIdOfPath } from '../../formats/yolo/yolo-layout.js';
import { checkInputFile } from '../../io/input-file.js';
import { readLineBatches } from '../../io/line-reader.js';
import { readTextFile } from '../../io/text-file.js';

export type PredictionFormat = 'jsonl' | 'coco' | 'yolo';

export interface PredictionSource {
  readonly format: PredictionFormat;
  /** The JSONL file, the COCO results file, or the folder of YOLO txt files. */
  readonly path: string;
  /** COCO: the dataset file mapping image and category ids. */
  readonly cocoFile?: string | undefined;
  /** YOLO: the class-names file. */
  readonly namesFile?: string | undefined;
}

/** A prediction with the file it came from (errors after parsing name file and line). */
export interface SourcedPrediction {
  readonly file: string;
  readonly p: PredictionLine;
}

/** The predictions in input order, a batch at a time (never an empty batch). */
export async function* readPredictionBatches(
  src: PredictionSource,
  sizeOf: (image: string) => Promise<ImageSize | undefined>,
): AsyncGenerator<SourcedPrediction[]> {
  switch (src.format) {
    case 'jsonl': {
      checkInputFile(src.path);
      for await (const lines of readLineBatches(src.path)) {
        const batch: SourcedPrediction[] = [];
        try {
          for (const { text, line } of lines)
            if (text.trim() !== '')
              batch.push({ file: src.path, p: parsePredictionLine(text, src.path, line) });
        } catch (e) {
          // The lines before a malformed one are handed over first, so the first refusal in
          // file order (an unknown image there, say) is the one reported.
          if (batch.length > 0) yield batch;
          throw e;
        }
        if (batch.length > 0) yield batch;
      }
      return;
    }
    case 'coco': {
      if (src.cocoFile === undefined)
        throw new InvalidArgumentError(
          'COCO file',
          '',
          'COCO results need the COCO dataset file that maps their image and category ids',
          { option: 'coco' },
        );
      const ids = readCocoIdMap(readTextFile(src.cocoFile), src.cocoFile);
      const batch = parseCocoResults(readTextFile(src.path), src.path, ids).map((p) => ({
        file: src.path,
        p,
      }));
      if (batch.length > 0) yield batch;
      return;
    }
    case 'yolo': {
      if (src.namesFile === undefined)
        throw new InvalidArgumentError(
          'class-names file',
          '',
          'YOLO predictions need the class-names file (one class a line)',
          { option: 'names' },
        );
      const names = parseYoloNames(readTextFile(src.namesFile));
      for (const file of yoloFiles(src.path)) {
        const image = imageIdOfPath(file);
        const size = await sizeOf(image);
        if (!size)
          throw new InvalidArgumentError(
            'image',
            image,
            `${file}: no size for image '${image}' (YOLO coordinates are relative): the dataset checked against has no asset record with its width and height`,
            { file },
          );
        const batch = parseYoloPredictions(readTextFile(file), file, image, names, size).map(
          (p) => ({ file, p }),
        );
        if (batch.length > 0) yield batch;
      }
      return;
    }
  }
}

/** The .txt files of a folder, by name (sorted, so errors come in a stable order). */
function yoloFiles(dir: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new InvalidArgumentError('FILE', dir, 'YOLO predictions are a folder of .txt files', {});
  return readdirSync(dir)
    .filter((n) => n.endsWith('.txt'))
    .sort()
    .map((n) => join(dir, n));
}
