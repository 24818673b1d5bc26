/**
 * The API's shapes as the UI uses them (layer: ui/api), taken from the generated `openapi.d.ts`
 * (`npm run ui:api-types`). Where the document says only "an object" or "any value" (NDJSON
 * labels and diff lines, a conflict's three versions), the shape is written here from
 * docs/formats.md and `verso ... --json`, which the server's answers are.
 */
import type { paths } from './openapi.js';

type Get<P extends keyof paths> = paths[P] extends { get: infer Op } ? Op : never;
type Json200<Op> = Op extends { responses: { 200: { content: { 'application/json': infer T } } } }
  ? T
  : never;
type Ndjson200<Op> = Op extends {
  responses: { 200: { content: { 'application/x-ndjson': infer T } } };
}
  ? T
  : never;

export type RepositoryList = Json200<Get<'/repos'>>;
export type Ref = Json200<Get<'/repos/{repo}/refs'>>['refs'][number];
export type Commit = Ndjson200<Get<'/repos/{repo}/log'>>;
export type CommitDetails = Json200<Get<'/repos/{repo}/commits/{ref}'>>;
export type CountAnswer = Json200<Get<'/repos/{repo}/count'>>;
/** `GET /images`: a page of a ref's images with their labels (the gallery's unit of loading). */
export type ImagePageAnswer = Json200<Get<'/repos/{repo}/images'>>;
/** `GET /query/explain`: how a filter is answered (index or scan, candidates, steps). */
export type QueryPlan = Json200<Get<'/repos/{repo}/query/explain'>>;
export type BlameAnswer = Json200<Get<'/repos/{repo}/blame'>>;
export type Whoami = Json200<Get<'/repos/{repo}/whoami'>>;
export type Role = Whoami['role'];

/** One change a line of `GET /diff` (as `verso diff --json`). */
export interface Change {
  readonly tree: 'labels' | 'reviews' | 'assets' | 'splits' | 'annotations' | 'tracks';
  readonly key: { readonly image: string; readonly label?: string };
  readonly change: 'added' | 'removed' | 'modified';
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
  readonly fields?: readonly { field: string; before?: unknown; after?: unknown }[];
}

export interface ChangeCounts {
  readonly added: number;
  readonly removed: number;
  readonly modified: number;
}

/** `GET /diff?stat=true`: counts per tree, and per class for labels. */
export interface DiffStat {
  readonly labels?: ChangeCounts;
  readonly reviews?: ChangeCounts;
  readonly assets?: ChangeCounts;
  readonly splits?: ChangeCounts;
  readonly classes?: Record<string, ChangeCounts>;
}

/** A label as `GET /labels` streams it (the native interchange, `verso cat`). */
export interface Label {
  readonly image: string;
  readonly label: string;
  readonly category?: string;
  readonly category_id?: number;
  readonly bbox?: readonly number[];
  readonly segmentation?: unknown;
  readonly keypoints?: readonly number[];
  readonly skeleton?: readonly (readonly number[])[];
  readonly attributes?: Record<string, unknown>;
  readonly annotator?: string;
  readonly annotated_at?: string;
  readonly review?: Review | null;
  readonly [field: string]: unknown;
}

export interface Review {
  readonly status?: string;
  readonly reviewer?: string;
  readonly reviewed_at?: string | null;
  readonly comment?: string;
}

/** An asset record of `GET /assets` and `GET /assets/{image}`. */
export type Asset = Json200<Get<'/repos/{repo}/assets/{image}'>>;

/** The sizes of `GET /blobs/{sha256}/thumbnail?size=`. */
export type ThumbnailSize = NonNullable<
  NonNullable<Get<'/repos/{repo}/blobs/{sha256}/thumbnail'>['parameters']['query']>['size']
>;

/** What a commit-making write answers. */
export type CommitResult = Json200<
  paths['/repos/{repo}/branches/{branch}/apply'] extends { post: infer Op } ? Op : never
>;

/** One conflict of a pending merge (`GET /merges/{branch}`), its versions typed as records. */
export interface Conflict {
  /** `TREE/IMAGE/LABEL` (as `verso merge status` lists it). */
  readonly id: string;
  readonly kind: string;
  readonly tree?: string;
  readonly base?: Record<string, unknown> | null;
  readonly ours?: Record<string, unknown> | null;
  readonly theirs?: Record<string, unknown> | null;
  readonly resolution?: Record<string, unknown>;
}

/** A pending merge, as `verso merge status --json` (`GET /merges/{branch}`). */
export interface PendingMerge {
  readonly into: string;
  readonly source: string;
  readonly ours: string;
  readonly theirs: string;
  readonly started_by: string;
  readonly started_at: string;
  readonly undecided: number;
  readonly conflicts: readonly Conflict[];
}

export type ConflictChoice = 'ours' | 'theirs' | 'both';

/** A schema version with its classes and its delta from its parent (`GET /schemas/{version}`). */
export type SchemaVersion = Json200<Get<'/repos/{repo}/schemas/{version}'>>;

/** The ops between two schema versions, each with its text (`GET /schemas/{version}/diff`). */
export type SchemaDiff = Json200<Get<'/repos/{repo}/schemas/{version}/diff'>>;

/** `POST /branches/{branch}/migrate` with `dry_run`: what a migration would do, per op. */
export interface MigrationPreview {
  readonly branch: string;
  readonly from: string | null;
  readonly to: string;
  readonly dry_run: boolean;
  readonly labels: number;
  readonly rewritten: number;
  readonly marked: number;
  readonly ops: readonly {
    readonly index: number;
    readonly version: string;
    readonly policy: 'auto' | 'review';
    readonly labels: number;
    readonly text: string;
    readonly op: { readonly op?: string; readonly [k: string]: unknown };
  }[];
}

/** A line of `GET /schemas` (as `verso schema log --json`), newest first. */
export interface SchemaLogEntry {
  readonly version: string;
  readonly parent: string | null;
  readonly author: string;
  readonly created_at: string;
  readonly message: string;
  readonly ops: number;
}

/** A class of a schema version (docs/formats.md, "Schema files"). */
export interface SchemaClass {
  readonly id: number;
  readonly name: string;
  readonly parent?: number;
  readonly keypoints?: readonly string[];
  readonly skeleton?: readonly (readonly number[])[];
  readonly attributes?: Record<string, { type: string; values?: unknown[]; required?: boolean }>;
  readonly deprecated?: boolean;
}

/** A recorded prediction (`GET /predictions`, `GET /predictions/{id}`). */
export interface Prediction {
  readonly id: string;
  readonly model: string;
  readonly image: string;
  readonly output: unknown;
  readonly time: string;
  readonly external_id: string | null;
  readonly has_vector: boolean;
}

/** `GET /lineage/up/{prediction}`: the chain from a prediction back to its labels' people. */
export interface LineageUp {
  readonly prediction: Prediction;
  readonly model: {
    readonly id: string;
    readonly name: string;
    readonly version: string;
    readonly metrics: Record<string, unknown>;
  };
  readonly run: {
    readonly id: string;
    readonly dataset_ref: string;
    readonly commit: string;
    readonly filter: string | null;
    readonly schema: string | null;
    readonly example_count: number;
    readonly author: string;
    readonly status: string;
    readonly started_at: string;
  };
  readonly commit: { readonly id: string; readonly author: string; readonly message: string };
  /** A run trained on a slice (`run start --slice`): the slice and what chose its data. */
  readonly trained_on?: {
    readonly slice: { readonly id: string; readonly name: string; readonly example_count: number };
    readonly selected_by?: {
      readonly strategy: string;
      readonly model: { readonly name: string; readonly version: string };
      readonly prediction_set: { readonly id: string };
    };
  };
  readonly examples: {
    readonly count: number;
    readonly annotators: readonly { name?: string; labels?: number }[] | readonly string[];
    readonly reviewers: readonly { name?: string; labels?: number }[] | readonly string[];
  };
}

/** `GET /explain/{prediction}`: the training examples with the highest influence. */
export interface Explanation {
  readonly prediction: string;
  readonly run: string;
  readonly commit: string;
  readonly kind: string;
  readonly scored: number;
  readonly examples: readonly {
    readonly rank: number;
    readonly score: number;
    readonly image: string;
    readonly label: string;
    readonly content: Record<string, unknown>;
    readonly annotator: string | null;
    readonly annotated_at: string | null;
    readonly reviewer: string | null;
    readonly reviewed_at: string | null;
  }[];
}
