/**
 * Edit batches (layer: bench): which labels each batch touches and how (the edit plan), and the
 * `edits-K.jsonl` writer that turns each planned op into a `put` or `delete` line.
 *
 * Mix per batch: 60% modify (half bbox jitter with the polygon following, half category change),
 * 15% delete, 15% add (ids above every existing label), 10% review-only (status always changes).
 * Invariants: no existing label is targeted by two batches, so cumulative diffs are exactly
 * predictable; every op changes its label (a jitter clamped back to the original falls back to a
 * category change). Targets are drawn by rejection, hence the caller's cap on the edit share.
 */
import { BufferedFile, floor2, labelBody, pad8, r2 } from './gen-format.js';
import { imageSize, type ImagePlan } from './gen-image-plan.js';
import { labelArea, newLabel, pickCategory, reviewTime } from './gen-label-model.js';
import { STREAM_EDITS, STREAM_TARGETS, type EditFileInfo, type Label } from './gen-spec.js';
import { Rng } from './rng.js';

// ------------------------------------------------------------------ edit plan

type EditKind = 'jitter' | 'recategorize' | 'delete' | 'add' | 'review';

export interface EditOp {
  readonly kind: EditKind;
  readonly id: number;
  /** Image of an added label; existing targets learn theirs from `original`. */
  readonly image: number;
  /** The label as written to labels.jsonl, filled in by pass 2 (null for adds). */
  original: Label | null;
}

export interface EditBatch {
  readonly size: number;
  readonly ops: readonly EditOp[];
}

function batchKinds(size: number): EditKind[] {
  const modify = Math.round(size * 0.6);
  const del = Math.round(size * 0.15);
  const add = Math.round(size * 0.15);
  const review = size - modify - del - add;
  const jitter = Math.floor(modify / 2);
  const kinds: EditKind[] = [];
  const push = (k: EditKind, n: number): void => {
    for (let i = 0; i < n; i++) kinds.push(k);
  };
  push('jitter', jitter);
  push('recategorize', modify - jitter);
  push('delete', del);
  push('add', add);
  push('review', review);
  return kinds;
}

export function planEdits(
  seed: number,
  plan: ImagePlan,
  sizes: readonly number[],
): { batches: EditBatch[]; targets: Map<number, EditOp> } {
  const rng = new Rng(seed, STREAM_TARGETS);
  const targets = new Map<number, EditOp>();
  let nextId = plan.labels + 1;
  const batches = sizes.map((size) => {
    const ops = rng.shuffle(batchKinds(size)).map((kind): EditOp => {
      if (kind === 'add')
        return { kind, id: nextId++, image: rng.int(1, plan.images), original: null };
      let id: number;
      do id = rng.int(1, plan.labels);
      while (targets.has(id));
      const op: EditOp = { kind, id, image: 0, original: null };
      targets.set(id, op);
      return op;
    });
    return { size, ops };
  });
  return { batches, targets };
}

// ------------------------------------------------------------------ edit writers

function jitter(rng: Rng, o: Label, W: number, H: number): Label | null {
  const sign = (): number => (rng.chance(0.5) ? -1 : 1);
  const w = r2(Math.min(W, Math.max(2, o.w * (0.9 + 0.2 * rng.float()))));
  const h = r2(Math.min(H, Math.max(2, o.h * (0.9 + 0.2 * rng.float()))));
  const x = floor2(Math.min(W - w, Math.max(0, o.x + sign() * (0.01 + 0.09 * rng.float()) * o.w)));
  const y = floor2(Math.min(H - h, Math.max(0, o.y + sign() * (0.01 + 0.09 * rng.float()) * o.h)));
  if (x === o.x && y === o.y && w === o.w && h === o.h) return null; // clamped back: no change
  const seg = o.seg?.map((v, i) =>
    i % 2 === 0 ? r2(x + ((v - o.x) * w) / o.w) : r2(y + ((v - o.y) * h) / o.h),
  );
  const L: Label = { ...o, x, y, w, h, seg: seg ?? null };
  L.area = labelArea(L);
  return L;
}

function recategorize(rng: Rng, o: Label): Label {
  let cat: number;
  do cat = pickCategory(rng);
  while (cat === o.cat);
  return { ...o, cat };
}

function rereview(rng: Rng, o: Label): Label {
  const others = (['approved', 'rejected', 'pending'] as const).filter((s) => s !== o.status);
  const status = others[rng.int(0, 1)] ?? 'approved';
  let reviewer: number;
  do reviewer = rng.int(0, 29);
  while (reviewer === o.reviewer);
  const reviewedAt = status === 'pending' ? null : reviewTime(rng, o.annotatedAt);
  return { ...o, status, reviewer, reviewedAt };
}

export function writeEdits(
  seed: number,
  plan: ImagePlan,
  batch: EditBatch,
  index: number,
  file: string,
): EditFileInfo {
  const rng = new Rng(seed, STREAM_EDITS, index);
  const out = new BufferedFile(file);
  const counts = { modify: 0, delete: 0, add: 0, review: 0 };
  for (const op of batch.ops) {
    const o = op.original;
    let L: Label;
    if (op.kind === 'add') {
      const [W, H] = imageSize(plan, op.image);
      L = newLabel(rng, op.id, op.image, W, H);
      counts.add++;
    } else if (o === null) {
      throw new Error(`internal: edit target ${op.id} was never generated`);
    } else if (op.kind === 'delete') {
      out.write(`{"op":"delete","image":"${pad8(o.image)}","label":"${o.id}"}\n`);
      counts.delete++;
      continue;
    } else if (op.kind === 'review') {
      L = rereview(rng, o);
      counts.review++;
    } else {
      const [W, H] = imageSize(plan, o.image);
      L = (op.kind === 'jitter' ? jitter(rng, o, W, H) : null) ?? recategorize(rng, o);
      counts.modify++;
    }
    out.write(`{"op":"put",${labelBody(L)}}\n`);
  }
  out.close();
  return { size: batch.size, file, bytes: out.bytes, counts };
}
