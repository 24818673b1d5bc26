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
import { compareBytes } from '../../tree/bytes.js';
import { scanLeaves, type LeafRun } from '../../tree/read.js';
import type { NodeStore } from '../../tree/node-store.js';
import { treeRoot, type Snapshot } from '../../vcs/snapshot.js';
import type { Repository } from '../repository/repository.js';

type Obj = { readonly [k: string]: JsonValue };
type Range = { readonly start: Uint8Array; readonly end: Uint8Array };
type Entry = readonly [key: Uint8Array, value: Uint8Array];

/** Reads the entries of one image's key range; images asked in ascending order ('scan') or any. */
interface ImageEntries {
  entriesIn(range: Range): Promise<Entry[]>;
}

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
    const entries = (root: Uint8Array): ImageEntries =>
      lookup === 'scan'
        ? new ForwardRangeCursor(scanLeaves(repo.nodes, root, start ? { start } : {}))
        : new RangeLookup(repo.nodes, root);
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

/** Walks a tree forward; each call takes the entries of the next range asked (ascending). */
export class ForwardRangeCursor implements ImageEntries {
  private run: LeafRun | undefined;
  private i = 0;
  private done = false;

  constructor(private readonly runs: AsyncGenerator<LeafRun>) {}

  async entriesIn(range: Range): Promise<Entry[]> {
    const out: Entry[] = [];
    for (;;) {
      if (!this.run || this.i >= this.run.to) {
        if (this.done) return out;
        const next = await this.runs.next();
        if (next.done) {
          this.done = true;
          return out;
        }
        [this.run, this.i] = [next.value, next.value.from];
        continue;
      }
      const key = this.run.keys[this.i]!;
      if (compareBytes(key, range.start) >= 0) {
        if (compareBytes(key, range.end) >= 0) return out;
        out.push([key, this.run.values[this.i]!]);
      }
      this.i++;
    }
  }
}

/** One range scan per image (labels found by point lookups). */
class RangeLookup implements ImageEntries {
  constructor(
    private readonly nodes: NodeStore,
    private readonly root: Uint8Array,
  ) {}

  async entriesIn(range: Range): Promise<Entry[]> {
    const out: Entry[] = [];
    for await (const run of scanLeaves(this.nodes, this.root, range))
      for (let i = run.from; i < run.to; i++) out.push([run.keys[i]!, run.values[i]!]);
    return out;
  }
}
