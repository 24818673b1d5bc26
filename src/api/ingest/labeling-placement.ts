/**
 * The label write policy on annotators' labelings (layer: api): every label an import
 * `--annotator`/`--annotators` collects (`labeling-trees.ts`) is checked as a label import
 * checks its labels (`write/label-write-check.ts`) before anything is written: its content
 * against the branch's schema, then its placement on its image (a snapshot that records images
 * refuses a label on an image without an asset record unless `allowUnknownImages`; geometry
 * past the border is tolerated, clipped with `clip`, or refused). A problem is a format error
 * naming the label's file and line (or record); a clipped label replaces the collected one.
 */
import { FormatParseError } from '../../core/errors.js';
import { encodeImageKey } from '../../dataset/label-key.js';
import { problemData, type LabelProblem } from '../../schema/label-validator.js';
import { countEntries, getValue } from '../../tree/read.js';
import type { Repository } from '../repository/repository.js';
import { imageInfoOf, type ImageInfo, type LabelWriteCheck } from '../write/label-write-check.js';
import type { LabelingCollector, Where } from './labeling-trees.js';

/** Checks (and clips, by the policy) every collected label against the `assets` tree `assets`. */
export async function placeLabelings(
  repo: Repository,
  assets: Uint8Array,
  input: LabelingCollector,
  check: LabelWriteCheck,
): Promise<void> {
  const recorded = await countEntries(repo.nodes, assets);
  check.setImagesRecorded(recorded);
  for (const [image, byAnnotator] of input.sortedImages()) {
    const info: ImageInfo =
      recorded > 0 ? imageInfoOf(await getValue(repo.nodes, assets, encodeImageKey(image))) : {};
    for (const labels of byAnnotator.values()) {
      labels.forEach((l, i) => {
        const problem = check.content(l.content);
        if (problem) throw placementError(l.where, problem);
        const placed = check.place(image, l.label, l.content, info);
        if (!placed.ok) throw placementError(l.where, placed);
        if (placed.content) labels[i] = { ...l, content: placed.content };
      });
    }
  }
}

/** The label import's error: file, line or record, field. */
function placementError(where: Where, p: LabelProblem): FormatParseError {
  return new FormatParseError(where[0], where[1], p.field, p.why, problemData(p));
}
