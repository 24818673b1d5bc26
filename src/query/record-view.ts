/**
 * One label as a filter sees it (layer: query): the key and the encoded label, review, asset
 * record and split, decoded only when a compiled filter first asks for them. One view is
 * reused for a whole scan (`reset` per entry), so a filter that reads only `class` never
 * decodes a review, an asset or the key, and reads just that member of the label
 * (`contentMember`) without building its polygons.
 */
import { decodeValue, type JsonValue } from '../core/canonical.js';
import { selectMembers } from '../core/canonical-members.js';
import { decodeLabelKey, type LabelKey } from '../dataset/label-key.js';

type Obj = { readonly [k: string]: JsonValue };

/** What a label has of one prediction set: its matched prediction (if any) and its IoU. */
export interface PredictionOfLabel {
  readonly prediction?: { readonly id: string; readonly content: Obj };
  readonly iou: number;
}

/** The label's `PredictionOfLabel` in the set a filter names as `model` (`pred(model)`). */
export type PredictionLookup = (model: string) => PredictionOfLabel | undefined;

/** What a label has of several annotators: the object it is, as `annotators`/`agreement` read it. */
export interface AnnotationsOfLabel {
  readonly annotators: number;
  readonly agreement: number | null;
}

/** A video track as a track filter reads it (`verso tracks --where`). */
export interface TrackSummary {
  readonly length: number;
  readonly keyframes: number;
  /** First and last visible frame (null when it is never visible). */
  readonly first: number | null;
  readonly last: number | null;
  /** The runs of visible frames [from, to], ascending. */
  readonly spans: readonly (readonly [number, number])[];
}

export class RecordView {
  private keyBytes: Uint8Array = new Uint8Array(0);
  private labelBytes: Uint8Array = new Uint8Array(0);
  private reviewBytes: Uint8Array | undefined;
  private assetBytes: Uint8Array | undefined;
  private splitBytes: Uint8Array | undefined;
  private keyCache: LabelKey | undefined;
  private keyIdCache: string | undefined;
  private contentCache: Obj | undefined;
  private readonly members = new Map<string, JsonValue | undefined>();
  private reviewCache: Obj | null | undefined;
  private assetCache: Obj | null | undefined;
  private splitCache: JsonValue | undefined;
  private predictionLookup: PredictionLookup | undefined;
  private annotationsCache: AnnotationsOfLabel | undefined;
  private trackSummary: TrackSummary | undefined;

  /** The next record: its key and encoded label, review, asset record and split (absent: undefined). */
  reset(
    key: Uint8Array,
    label: Uint8Array,
    review?: Uint8Array,
    asset?: Uint8Array,
    split?: Uint8Array,
  ): this {
    [this.keyBytes, this.labelBytes, this.reviewBytes] = [key, label, review];
    [this.assetBytes, this.splitBytes] = [asset, split];
    this.keyCache = this.keyIdCache = this.contentCache = undefined;
    this.reviewCache = this.assetCache = this.splitCache = undefined;
    if (this.members.size > 0) this.members.clear();
    this.predictionLookup = undefined;
    this.annotationsCache = undefined;
    this.trackSummary = undefined;
    return this;
  }

  /** The predictions of the current record (after `reset`; filters with `pred(M)` terms). */
  withPredictions(lookup: PredictionLookup): this {
    this.predictionLookup = lookup;
    return this;
  }

  predictionOf(model: string): PredictionOfLabel | undefined {
    return this.predictionLookup?.(model);
  }

  /** The object of the current record (after `reset`; filters with `annotators`/`agreement`). */
  withAnnotations(annotations: AnnotationsOfLabel | undefined): this {
    this.annotationsCache = annotations;
    return this;
  }

  annotations(): AnnotationsOfLabel | undefined {
    return this.annotationsCache;
  }

  /** The track of the current record (a track filter: the key is (video, track)). */
  withTrack(track: TrackSummary): this {
    this.trackSummary = track;
    return this;
  }

  track(): TrackSummary | undefined {
    return this.trackSummary;
  }

  key(): LabelKey {
    return (this.keyCache ??= decodeLabelKey(this.keyBytes));
  }

  /** The key bytes as a latin1 string: the member type of change sets. */
  keyId(): string {
    return (this.keyIdCache ??= keyIdOf(this.keyBytes));
  }

  content(): Obj {
    return (this.contentCache ??= decodeValue(this.labelBytes) as Obj);
  }

  /** One top-level member of the label content, read without decoding the others. */
  contentMember(name: string): JsonValue | undefined {
    if (this.contentCache) return this.contentCache[name];
    if (this.members.has(name)) return this.members.get(name);
    const [value] = selectMembers(this.labelBytes, [name]);
    this.members.set(name, value);
    return value;
  }

  review(): Obj | null {
    return (this.reviewCache ??= decodeObject(this.reviewBytes));
  }

  asset(): Obj | null {
    return (this.assetCache ??= decodeObject(this.assetBytes));
  }

  split(): JsonValue | undefined {
    if (this.splitCache === undefined && this.splitBytes)
      this.splitCache = decodeValue(this.splitBytes);
    return this.splitCache;
  }
}

/** Key bytes as a latin1 string (one char per byte): a cheap, exact set member. */
export function keyIdOf(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}

function decodeObject(bytes: Uint8Array | undefined): Obj | null {
  if (!bytes) return null;
  const v = decodeValue(bytes);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
}
