/**
 * The output options every exporting command shares (layer: cli): `--format` (one of the export
 * formats) and `--out`, and the usage check that `--with-images` needs a format with image
 * files. Used by `export` and `slice export`.
 */
import type { Command } from 'commander';
import { choiceOption, EXPORT_FORMAT_CHOICES } from '../arg-parsers.js';
import { UsageError } from '../usage-error.js';

/** Adds `--format` (required) and `--out`. */
export function exportTargetOptions(cmd: Command): Command {
  return cmd
    .addOption(
      choiceOption(
        '--format <format>',
        'output format',
        EXPORT_FORMAT_CHOICES,
      ).makeOptionMandatory(),
    )
    .requiredOption('--out <path>', 'output file (a folder for yolo, yolo-seg, voc, mot)');
}

/** The formats of one file without images, and what they are. */
const WITHOUT_IMAGES: Readonly<Record<string, string>> = {
  jsonl: 'JSONL has no image files',
  cvat: 'the CVAT export is one XML file, without image files',
};

/** Refuses `--with-images` with JSONL or CVAT (exit 2). */
export function checkExportImages(opts: {
  readonly format: string;
  readonly withImages?: boolean;
}): void {
  const why = WITHOUT_IMAGES[opts.format];
  if (opts.withImages && why !== undefined)
    throw new UsageError(`--with-images: ${why}; use --format coco, yolo, yolo-seg or voc`);
}
