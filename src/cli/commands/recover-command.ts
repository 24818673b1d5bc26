/**
 * `verso recover` (layer: cli): rebuilds branches and the commit index from the chunk store's
 * commits when the catalog is lost or damaged (`api/recover.ts`), and says what it did and what
 * it could not bring back.
 */
import type { RecoverResult } from '../../api/maintenance/index.js';
import { defineCommand } from '../command-table.js';
import { findRepository } from '../context.js';

export const recover = defineCommand<{ blobStore?: string }, RecoverResult>({
  name: 'recover',
  description:
    'rebuild branches and the commit index from the commits in the chunk store (after the catalog was lost or damaged)',
  spec: (cmd) =>
    cmd.option(
      '--blob-store <dir>',
      'record DIR as the blob folder, if the repository was made with init --blob-store',
    ),
  repository: false,
  async run({ opts }, rc) {
    const { recoverRepository } = await import('../../api/maintenance/index.js');
    const root = await findRepository(rc.cwd, rc.env, rc.globals);
    return recoverRepository(
      root,
      opts.blobStore === undefined ? {} : { blobStore: opts.blobStore },
    );
  },
  render: recoverLines,
});

function recoverLines(r: RecoverResult): string[] {
  const short = (id: string) => id.slice(0, 12);
  const head = new Map(r.heads.map((h) => [h.id, h]));
  const lines: string[] = [];
  if (r.catalog === 'rebuilt') {
    lines.push(`recover: ${r.damage}: rebuilt the catalog from the chunk store`);
    if (r.damagedCatalogMovedTo)
      lines.push(`the damaged catalog is kept as ${r.damagedCatalogMovedTo}`);
    const s = r.salvaged;
    if (s && (s.refs > 0 || s.schemaVersions > 0 || s.config.length > 0))
      lines.push(
        `salvaged from it: ${s.refs} refs, ${s.schemaVersions} schema versions, config ${s.config.join(', ') || '(none)'}`,
      );
    for (const u of s?.unreadable ?? []) lines.push(`unreadable in it: ${u}`);
  } else lines.push('recover: the catalog is healthy; its refs are kept');
  lines.push(
    `found ${plural(r.commits, 'commit')} (${plural(r.roots.length, 'root')}, ${plural(r.heads.length, 'head')}); indexed ${r.indexed}`,
  );
  for (const ref of r.created) {
    const h = head.get(ref.target);
    const about = h ? ` (head, ${h.time}: ${JSON.stringify(h.message)})` : '';
    lines.push(`  ${ref.kind} ${ref.name} -> ${short(ref.target)}${about}`);
  }
  if (r.created.length === 0) lines.push('every head is already on a ref: no ref created');
  for (const ref of r.dangling)
    lines.push(
      `not restored: ${ref.kind} ${ref.name} -> ${short(ref.target)} (commit not in the chunk store)`,
    );
  if (r.missingParents > 0)
    lines.push(
      `${r.missingParents} parent commit(s) are not in the chunk store: run 'verso verify'`,
    );
  if (r.damagedChunks > 0)
    lines.push(`${r.damagedChunks} chunk(s) could not be read: run 'verso verify'`);
  if (r.lost.length > 0) lines.push(`not recoverable from chunks: ${r.lost.join('; ')}`);
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
