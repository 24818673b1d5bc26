/**
 * The join behind a filter's `pred(M)` terms (layer: api): for each image the label scan
 * reaches, the image's labels and each named prediction set's predictions of that image,
 * matched (`dataset/prediction-match.ts`), so every label of the image can be given its
 * prediction (`PredictionLookup`).
 *
 * A prediction set's tree is keyed (image, prediction) in the labels tree's key layout, so it
 * is in the same order as the labels: while the scan moves forward, the join walks the set's
 * tree (and a second cursor over the labels tree, for the image's labels the scan has not
 * reached yet) forward with it, reading each leaf once and never more than one image's
 * predictions at a time; a set is never loaded whole. When the labels come from an index
 * (point lookups, images not in order), each image's ranges are read by a range scan instead.
 */
import type { PredictionSetRecord } from '../../catalog/catalog.js';
import { decodeValue, type JsonValue } from '../../core/canonical.js';
import { hexToHash } from '../../core/hash.js';
import { decodeLabelKey, imageLabelRange } from '../../dataset/label-key.js';
import { labelBox, type Box } from '../../dataset/label-overlap.js';
import { selectMembers } from '../../core/canonical-members.js';
import { matchPredictions } from '../../dataset/prediction-match.js';
import { keyIdOf, type PredictionLookup, type PredictionOfLabel } from '../../query/record-view.js';
import { imageEntries, type ImageEntries } from './image-entries.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

type Obj = { readonly [k: string]: JsonValue };

export class PredictionJoin {
  private readonly labels: ImageEntries;
  private readonly sets: readonly { readonly model: string; readonly entries: ImageEntries }[];
  private byModel = new Map<string, Map<string, PredictionOfLabel>>();

  constructor(
    repo: Repository,
    snap: Snapshot,
    sets: ReadonlyMap<string, PredictionSetRecord>,
    lookup: 'scan' | 'point',
    /** Scans start here (the first image loaded is at or after it). */
    start?: Uint8Array,
  ) {
    const entries = (root: Uint8Array) => imageEntries(repo.nodes, root, lookup, start);
    this.labels = entries(treeRoot(snap, 'labels'));
    this.sets = [...sets].map(([model, set]) => ({
      model,
      entries: entries(hexToHash(set.root)),
    }));
  }

  /** Matches every label of `image` with each set's predictions of it. */
  async loadImage(image: string): Promise<void> {
    const range = imageLabelRange(image);
    const labels = await this.labels.entriesIn(range);
    const labelBoxes = labels.map(([, v]) => boxOf(v));
    this.byModel = new Map();
    for (const { model, entries } of this.sets) {
      const predictions = await entries.entriesIn(range);
      const matches = matchPredictions(
        labelBoxes,
        predictions.map(([, v]) => boxOf(v)),
      );
      const ofLabel = new Map<string, PredictionOfLabel>();
      matches.forEach((m, i) => {
        const p = m.prediction === undefined ? undefined : predictions[m.prediction];
        ofLabel.set(
          keyIdOf(labels[i]![0]),
          p ? { prediction: new StoredPrediction(p[0], p[1]), iou: m.iou } : { iou: m.iou },
        );
      });
      this.byModel.set(model, ofLabel);
    }
  }

  /** The lookup of one label of the image loaded last. */
  lookupFor(labelKey: Uint8Array): PredictionLookup {
    const id = keyIdOf(labelKey);
    return (model) => this.byModel.get(model)?.get(id);
  }
}

/** The box of an encoded label or prediction, decoding only its geometry members. */
function boxOf(value: Uint8Array): Box | undefined {
  const [bbox, segmentation] = selectMembers(value, GEOMETRY);
  return labelBox({
    ...(bbox !== undefined ? { bbox } : {}),
    ...(segmentation !== undefined ? { segmentation } : {}),
  });
}

const GEOMETRY = ['bbox', 'segmentation'] as const;

/** A matched prediction, its id and content decoded only when a filter reads them. */
class StoredPrediction {
  private idCache: string | undefined;
  private contentCache: Obj | undefined;

  constructor(
    private readonly key: Uint8Array,
    private readonly value: Uint8Array,
  ) {}

  get id(): string {
    return (this.idCache ??= decodeLabelKey(this.key).label);
  }

  get content(): Obj {
    return (this.contentCache ??= decodeValue(this.value) as Obj);
  }
}
