/**
 * YOLO detection output with confidences -> predictions (layer: formats).
 *
 * One text file per image (named like the image, as the YOLO label importer reads them), a line
 * per box: `class cx cy w h conf`, coordinates normalised to the image (0..1), as Ultralytics
 * writes with `save_txt` and `save_conf`. Class indexes name lines of the class-names file (line
 * 1 is class 0). Boxes are de-normalised with the image size to `bbox` [x, y, w, h] in pixels,
 * kept to 4 decimals as the label importer does. As for COCO results, a prediction's id is
 * derived from its content, so the set does not depend on the order of lines or files.
 */
import { FormatParseError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import type { ImageSize } from '../../dataset/label-geometry.js';
import {
  checkPrediction,
  encodePredictionContent,
  type PredictionLine,
} from '../../dataset/prediction-line.js';

/** The class names of a names file (one per line, blank lines skipped at the end only). */
export function parseYoloNames(text: string): string[] {
  const names = text.split(/\r?\n/).map((l) => l.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return names;
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The predictions of one image's file. */
export function parseYoloPredictions(
  text: string,
  file: string,
  image: string,
  names: readonly string[],
  size: ImageSize,
): PredictionLine[] {
  const out: PredictionLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const tokens = raw
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '');
    if (tokens.length === 0) return;
    if (tokens.length !== 6)
      throw new FormatParseError(
        file,
        line,
        null,
        `expected 'class cx cy w h conf' (6 numbers), got ${tokens.length}`,
      );
    const n = tokens.map(Number);
    const bad = n.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new FormatParseError(file, line, null, `'${tokens[bad]}' is not a number`);
    const [cls, cx, cy, w, h, conf] = n as [number, number, number, number, number, number];
    const category = Number.isSafeInteger(cls) && cls >= 0 ? names[cls] : undefined;
    if (category === undefined || category === '')
      throw new FormatParseError(
        file,
        line,
        'class',
        `unknown class ${tokens[0]} (the names file has classes 0..${names.length - 1})`,
      );
    const bbox = [
      round4((cx - w / 2) * size.width),
      round4((cy - h / 2) * size.height),
      round4(w * size.width),
      round4(h * size.height),
    ];
    const content = { category, category_id: cls, bbox, score: conf };
    const id = sha256Hex(encodePredictionContent({ record: content })).slice(0, 16);
    out.push(checkPrediction({ image, prediction: id, ...content }, file, line));
  });
  return out;
}
