/**
 * The shape of the synthetic benchmark dataset (layer: bench): public option and result types,
 * the in-memory `Label`, the category and resolution tables, the timestamp window, output file
 * names and the PRNG stream ids. A leaf module: every other `gen-*` module imports from here and
 * it imports nothing, so the generator's modules form no cycle.
 *
 * Invariants: changing any table or constant here changes the output bytes (bump
 * `GENERATOR_VERSION` in `gen-data.ts`). Stream ids must stay distinct so that each concern (image
 * plan, label content, edit targets, edit content) draws from an independent generator.
 */

export interface GenerateOptions {
  readonly labels: number;
  readonly seed: number;
  readonly outDir: string;
  readonly editSizes: readonly number[];
}

export interface EditCounts {
  readonly modify: number;
  readonly delete: number;
  readonly add: number;
  readonly review: number;
}

export interface EditFileInfo {
  readonly size: number;
  readonly file: string;
  readonly bytes: number;
  readonly counts: EditCounts;
}

export interface GeneratedDataset {
  readonly images: number;
  readonly labels: number;
  readonly labelsFile: string;
  readonly labelsBytes: number;
  readonly editFiles: readonly EditFileInfo[];
}

// prettier-ignore
export const CATEGORIES: readonly string[] = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat',
  'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog',
  'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
  'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
  'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
  'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy bear', 'hair drier', 'toothbrush',
];

/** Common camera / dataset resolutions, [width, height]. */
// prettier-ignore
export const IMAGE_SIZES: readonly (readonly [number, number])[] = [
  [640, 480], [1280, 720], [1920, 1080], [1024, 768], [800, 600], [3840, 2160], [1280, 960],
  [2048, 1536], [640, 640], [512, 512],
];

export const LABELS_FILE = 'labels.jsonl';
export const editsFileName = (size: number): string => `edits-${size}.jsonl`;

/** Timestamp window, seconds since the epoch: 2025-11-01T00:00:00Z .. 2026-10-31T23:59:59Z. */
export const TIME_MIN = Date.UTC(2025, 10, 1) / 1000;
export const TIME_MAX = Date.UTC(2026, 9, 31, 23, 59, 59) / 1000;

// Independent PRNG streams, one per concern.
export const STREAM_PLAN = 1;
export const STREAM_LABELS = 2;
export const STREAM_TARGETS = 3;
export const STREAM_EDITS = 4;

export const DAY = 86_400;

export type ReviewStatus = 'approved' | 'rejected' | 'pending';

/** One label as generated; the edit writers derive modified copies from it. */
export interface Label {
  readonly image: number;
  readonly id: number;
  cat: number;
  x: number;
  y: number;
  w: number;
  h: number;
  seg: number[] | null;
  area: number;
  readonly occluded: boolean;
  readonly truncated: boolean;
  readonly annotator: number;
  readonly annotatedAt: number;
  status: ReviewStatus;
  reviewer: number;
  reviewedAt: number | null;
}
