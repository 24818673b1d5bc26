/**
 * Errors of the commit pipeline (layer: api).
 */
import { VersoError } from '../../core/errors.js';
import type { ChunkHash } from '../../core/hash.js';
import type { WriteConflict } from './write-conflicts.js';

/** How many conflicting keys the message names; `data.conflicts` holds them all. */
const SHOWN = 5;

/**
 * The branch moved while a write ran and the new head changed keys the write touched (or the
 * schema or category list it checked labels against): rebasing it would overwrite another
 * writer's work, so nothing was written. `data`: `branch`, `base` (the head the write was built
 * on), `head` (the branch's head now), `conflicts` (every `WriteConflict`: tree, image, label).
 */
export class WriteConflictError extends VersoError {
  constructor(
    branch: string,
    base: ChunkHash,
    head: ChunkHash,
    conflicts: readonly WriteConflict[],
  ) {
    const shown = conflicts.slice(0, SHOWN).map(describeConflict).join(', ');
    const more = conflicts.length > SHOWN ? `, ... (${conflicts.length} in all)` : '';
    super(
      'Conflict',
      'WRITE_CONFLICT',
      `branch '${branch}' moved while this operation ran, and the new head ${head.slice(0, 12)} ` +
        `changed what this write touches: ${shown}${more}; nothing was changed`,
      { branch, base, head, conflicts: conflicts.map((c) => ({ ...c })) },
    );
  }
}

function describeConflict(c: WriteConflict): string {
  if (!('image' in c)) return c.tree === 'schema' ? 'the schema version' : 'the category list';
  return c.label === undefined
    ? `${c.tree} of image '${c.image}'`
    : `${c.tree} of (image '${c.image}', label '${c.label}')`;
}
