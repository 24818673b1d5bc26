/**
 * The checks every write path runs on a label before it is stored (layer: api): `apply` (puts
 * and patches), `import labels` and every format importer (through `record-import.ts`), and
 * `merge resolve --value`. One validator, one policy (docs/formats.md, "Validation on write"):
 *
 * 1. content (`content`, decidable from the label alone, run where the label is parsed): the
 *    geometry's structure (`dataset/label-geometry.ts`) and, when the snapshot has a schema
 *    version, conformance to it (`schema/label-validator.ts`);
 * 2. placement (`place`, needs the label's image): on a snapshot that records images (its
 *    `assets` tree is not empty) the image must have an asset record, unless
 *    `allowUnknownImages`; when the record has a size, the geometry must lie on the image by the
 *    policy of `dataset/label-placement.ts` (tolerated excursions are counted, far ones refused,
 *    or clipped with `clip`: each clipped label is listed in the report).
 * A snapshot without any asset record holds labels only (images kept elsewhere): references
 * cannot be checked there, so they are not.
 *
 * `placeEncoded` is the same check on stored bytes for the sorted passes of the importers: it
 * reads only the geometry members (`selectMembers`) and decodes a whole label only to clip it.
 */
import { decodeValue, encodeValue, type JsonValue } from '../../core/canonical.js';
import { selectMembers } from '../../core/canonical-members.js';
import { decodeLabelKey, type LabelKey } from '../../dataset/label-key.js';
import type { ImageSize } from '../../dataset/label-geometry.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { EDGE_TOLERANCE, placeLabel, type ClippedField } from '../../dataset/label-placement.js';
import type { LabelProblem } from '../../schema/label-validator.js';
import { makeContentCheck, type ContentCheck } from './label-content-check.js';
import { labelSchemaOf, type LabelSchema } from '../repository/schema-registry.js';
import type { Repository } from '../repository/repository.js';

export type { ContentCheck, LabelProblem };

/** How a write treats labels the placement policy would refuse. */
export interface WritePolicy {
  /** Clip geometry that goes past its image's border to the image instead of refusing it. */
  readonly clip?: boolean;
  /** Accept labels on images without an asset record on a snapshot that records images. */
  readonly allowUnknownImages?: boolean;
}

export interface ClippedLabel {
  readonly image: string;
  readonly label: string;
  readonly fields: readonly ClippedField[];
}

/** What placement did to a write's labels (JSON field names as printed by `--json`). */
export interface GeometryReport {
  /** Labels kept as given although they go past their image's border (within the tolerance). */
  readonly tolerated: number;
  /** The farthest any tolerated or clipped label went past its border, in pixels. */
  readonly max_excursion: number;
  readonly clipped: number;
  /** The clipped labels, the first `CLIPPED_LISTED` of them. */
  readonly clipped_labels: readonly ClippedLabel[];
}

/** Clipped labels listed in a report (the count is always exact). */
export const CLIPPED_LISTED = 10_000;

/** What a write knows of a label's image: undefined when it has no asset record. */
export type ImageInfo = { readonly size?: ImageSize } | undefined;

export type Placed =
  { readonly ok: true; readonly content?: LabelContent } | ({ readonly ok: false } & LabelProblem);

const KEEP: Placed = { ok: true };
const GEOMETRY = ['bbox', 'segmentation', 'keypoints', 'rotation'] as const;

export class LabelWriteCheck {
  private imagesRecorded = 0;
  private tolerated = 0;
  private maxExcursion = 0;
  private clippedCount = 0;
  private readonly clippedLabels: ClippedLabel[] = [];

  private constructor(
    readonly schema: LabelSchema | undefined,
    readonly content: ContentCheck,
    private readonly policy: WritePolicy,
  ) {}

  static async open(
    repo: Repository,
    schemaVersion: string | null,
    policy: WritePolicy = {},
  ): Promise<LabelWriteCheck> {
    const schema = await labelSchemaOf(repo, schemaVersion);
    return new LabelWriteCheck(schema, makeContentCheck(schema), policy);
  }

  /** How many images the snapshot the labels go into records (0: a labels-only snapshot). */
  setImagesRecorded(count: number): void {
    this.imagesRecorded = count;
  }

  /** Reference and placement of one label: keep it, store `content` instead, or a problem. */
  place(image: string, label: string, content: LabelContent, info: ImageInfo): Placed {
    return this.judge(content, info, () => ({ image, label }));
  }

  private judge(content: LabelContent, info: ImageInfo, keyOf: () => LabelKey): Placed {
    if (info === undefined) return this.unknownImage(keyOf().image);
    if (!info.size) return KEEP;
    const p = placeLabel(content, info.size, this.policy.clip === true);
    if (!p.ok)
      return {
        ok: false,
        field: p.field,
        why: p.why,
        ...(this.policy.clip ? {} : { remedy: 'clip' as const }),
      };
    if (p.by <= EDGE_TOLERANCE) return KEEP;
    this.maxExcursion = Math.max(this.maxExcursion, p.by);
    if (!p.clipped) {
      this.tolerated++;
      return KEEP;
    }
    this.clippedCount++;
    if (this.clippedLabels.length < CLIPPED_LISTED)
      this.clippedLabels.push({ ...keyOf(), fields: p.clipped.fields });
    return { ok: true, content: p.clipped.content };
  }

  /**
   * `place` on a label's stored bytes under its tree key: undefined to keep them, the bytes to
   * store instead, or a problem.
   */
  placeEncoded(
    key: Uint8Array,
    bytes: Uint8Array,
    info: ImageInfo,
  ): Uint8Array | LabelProblem | undefined {
    if (info !== undefined && !info.size) return undefined;
    const keyOf = () => decodeLabelKey(key);
    if (info === undefined) {
      const p = this.unknownImage(keyOf().image);
      return p.ok ? undefined : p;
    }
    const members = selectMembers(bytes, GEOMETRY);
    if (members[0] === undefined && members[1] === undefined && members[2] === undefined)
      return undefined;
    const content = this.policy.clip ? (decodeValue(bytes) as LabelContent) : geometryOf(members);
    const p = this.judge(content, info, keyOf);
    if (!p.ok) return p;
    return p.content ? encodeValue(p.content) : undefined;
  }

  report(): GeometryReport {
    return {
      tolerated: this.tolerated,
      max_excursion: Math.round(this.maxExcursion * 100) / 100,
      clipped: this.clippedCount,
      clipped_labels: this.clippedLabels,
    };
  }

  private unknownImage(image: string): Placed {
    if (this.imagesRecorded === 0 || this.policy.allowUnknownImages) return KEEP;
    const n = this.imagesRecorded;
    return {
      ok: false,
      field: 'image',
      why: `image '${image}' has no asset record on this branch, which records ${n} image${n === 1 ? '' : 's'}`,
      remedy: 'allowUnknownImages',
    };
  }
}

/** The asset record's size, read without decoding the rest of it. */
export function imageInfoOf(assetBytes: Uint8Array | undefined): ImageInfo {
  if (assetBytes === undefined) return undefined;
  const [width, height] = selectMembers(assetBytes, SIZE);
  return typeof width === 'number' && typeof height === 'number' ? { size: { width, height } } : {};
}

const SIZE = ['width', 'height'] as const;

function geometryOf(members: readonly (JsonValue | undefined)[]): LabelContent {
  const out: { [k: string]: JsonValue } = {};
  GEOMETRY.forEach((name, i) => {
    if (members[i] !== undefined) out[name] = members[i]!;
  });
  return out;
}
