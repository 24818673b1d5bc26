/**
 * `verso export REF --format F --out PATH`: a snapshot written in another format (layer: api).
 *
 * Formats are a small registry: each entry lazily loads its exporter, which streams the
 * snapshot to `out` and returns what it wrote. To add a format, add one line to EXPORTERS.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { InvalidArgumentError } from '../core/errors.js';
import type { ChunkHash } from '../core/hash.js';
import { getCommit } from '../vcs/commit.js';
import { resolveRef } from '../vcs/resolve-ref.js';
import { getSnapshot } from '../vcs/snapshot.js';
import type { ExportCounts, Exporter } from './exporter.js';
import type { Repository } from './repository.js';

const EXPORTERS: Readonly<Record<string, () => Promise<Exporter>>> = {
  coco: async () => (await import('./export-coco.js')).exportCoco,
  jsonl: async () => exportJsonl,
  yolo: async () => (await import('./export-yolo.js')).exportYolo,
  'yolo-seg': async () => (await import('./export-yolo.js')).exportYoloSeg,
  voc: async () => (await import('./export-voc.js')).exportVoc,
};

export const EXPORT_FORMATS: readonly string[] = Object.keys(EXPORTERS);

export interface ExportOptions {
  readonly ref: string;
  readonly format: string;
  readonly out: string;
}

export interface ExportResult extends ExportCounts {
  readonly format: string;
  readonly commit: ChunkHash;
  readonly out: string;
}

export async function exportSnapshot(repo: Repository, opts: ExportOptions): Promise<ExportResult> {
  const load = EXPORTERS[opts.format];
  if (!load)
    throw new InvalidArgumentError(
      'format',
      opts.format,
      `expected one of ${EXPORT_FORMATS.join(', ')}`,
    );
  const commit = await resolveRef(repo.catalog, repo.chunks, opts.ref);
  const snap = await getSnapshot(repo.chunks, (await getCommit(repo.chunks, commit)).snapshot);
  const counts = await (await load())(repo, commit, snap, opts.out);
  return { format: opts.format, commit, out: opts.out, ...counts };
}

/** The native JSONL: exactly what `verso cat` prints. */
const exportJsonl: Exporter = async (repo, commit, _snap, out) => {
  const { catLabelBlocks } = await import('./cat.js');
  const stream = createWriteStream(out);
  let labels = 0;
  try {
    for await (const block of catLabelBlocks(repo, commit)) {
      for (let i = block.indexOf(10); i >= 0; i = block.indexOf(10, i + 1)) labels++;
      if (!stream.write(block)) await once(stream, 'drain');
    }
  } finally {
    stream.end();
    await once(stream, 'close');
  }
  return { labels };
};
