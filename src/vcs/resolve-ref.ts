/**
 * Resolves a ref expression to a commit id (layer: vcs).
 *
 * Accepted: a branch or tag name, a full commit id, a unique commit-id prefix of at least 4 hex
 * chars, each followed by any sequence of steps, applied left to right as in git:
 * `~N` (N-th first-parent ancestor, `~` = `~1`), `^N` (the N-th parent, `^` = `^1`, `^0` = the
 * commit itself): `main~2`, `v1^^`, `merge^2` (the merged-in side), `main^2~3`.
 * Branch and tag names cannot contain `~` or `^` (`core/ref-name.ts`), so the first of them
 * starts the steps. A name that resolves to nothing gets a hint (`ref-suggestions.ts`).
 */
import { AmbiguousRefError, RefNotFoundError } from './ref-errors.js';
import { hexToHash, type ChunkHash } from '../core/hash.js';
import type { CommitsCatalog } from '../catalog/commits-catalog.js';
import type { RefsCatalog } from '../catalog/refs-catalog.js';
import type { ChunkStore } from '../store/chunk-store.js';
import { getCommit } from './commit.js';
import { refNotFound } from './ref-suggestions.js';

const HEX_PREFIX = /^[0-9a-f]{4,64}$/;
const STEP = /^(~|\^)(\d*)/;

type Step = { readonly kind: '~' | '^'; readonly n: number };

export async function resolveRef(
  catalog: RefsCatalog & CommitsCatalog,
  chunks: ChunkStore,
  spec: string,
): Promise<ChunkHash> {
  const cut = spec.search(/[~^]/);
  const base = cut < 0 ? spec : spec.slice(0, cut);
  const steps = parseSteps(spec, cut < 0 ? '' : spec.slice(cut));
  let id = await resolveBase(catalog, chunks, base, spec);
  for (const step of steps) id = await takeStep(chunks, id, step, spec);
  return id;
}

function parseSteps(spec: string, rest: string): Step[] {
  const steps: Step[] = [];
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) throw new RefNotFoundError(spec, `'${rest}' is not a ~N or ^N step`);
    steps.push({ kind: m[1] as '~' | '^', n: m[2] === '' ? 1 : Number(m[2]) });
    rest = rest.slice(m[0].length);
  }
  return steps;
}

async function takeStep(
  chunks: ChunkStore,
  id: ChunkHash,
  step: Step,
  spec: string,
): Promise<ChunkHash> {
  if (step.kind === '^') {
    if (step.n === 0) return id;
    const parents = (await getCommit(chunks, id)).parents;
    const parent = parents[step.n - 1];
    if (!parent) throw new RefNotFoundError(spec, noParent(id, parents.length, step.n));
    return parent;
  }
  for (let i = 0; i < step.n; i++) {
    const parent = (await getCommit(chunks, id)).parents[0];
    if (!parent) throw new RefNotFoundError(spec, `commit ${id.slice(0, 12)} is a root commit`);
    id = parent;
  }
  return id;
}

function noParent(id: ChunkHash, count: number, n: number): string {
  const has = count === 0 ? 'no parents' : count === 1 ? '1 parent' : `${count} parents`;
  return `commit ${id.slice(0, 12)} has ${has}, so no parent ${n}`;
}

async function resolveBase(
  catalog: RefsCatalog & CommitsCatalog,
  chunks: ChunkStore,
  name: string,
  spec: string,
): Promise<ChunkHash> {
  if (name.length === 0) throw new RefNotFoundError(spec);
  const ref = await catalog.getRef(name);
  if (ref) return ref.target;
  if (HEX_PREFIX.test(name)) {
    // The index may still list commits that gc collected: only stored commits count.
    const hits: ChunkHash[] = [];
    for (const id of await catalog.findCommitsByPrefix(name, 10)) {
      if (await chunks.has(hexToHash(id))) hits.push(id);
    }
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new AmbiguousRefError(spec, hits);
  }
  throw await refNotFound(catalog, name, spec);
}
