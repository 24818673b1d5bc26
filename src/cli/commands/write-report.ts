/**
 * What every writing command shares (layer: cli): the options of the write policy
 * (`--replace-all`, `--clip`, `--allow-unknown-images`) and the text report of a write: the
 * commit line or "nothing to commit", what `--replace-all` removed, and the labels placement
 * kept past their image's border or clipped.
 */
import type { Command } from 'commander';
import type { RemovedReport } from '../../api/ingest/index.js';
import type { GeometryReport, WritePolicy } from '../../api/write/index.js';
import type { ChangeCounts } from '../../dataset/change-counts.js';

/** Labels named in text output (JSON lists more: see `CLIPPED_LISTED`). */
const LISTED = 20;

export const counts = (c: ChangeCounts) => `+${c.added} -${c.removed} ~${c.modified}`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface PolicyFlags {
  readonly clip?: boolean;
  readonly allowUnknownImages?: boolean;
}

/** `--clip` and `--allow-unknown-images` (every command that writes labels). */
export function policyOptions(cmd: Command): Command {
  return cmd
    .option('--clip', 'clip geometry past its image border to the image (each label reported)')
    .option('--allow-unknown-images', 'accept labels on images the branch has no asset record for');
}

/** `--replace-all` (every importer). */
export function replaceAllOption(cmd: Command): Command {
  return cmd.option(
    '--replace-all',
    "make the branch's labels exactly the file's: labels of images the file does not cover are removed (and listed)",
  );
}

/** The flags every importer takes (`importerOptions`). */
export interface ImporterFlags extends PolicyFlags {
  readonly branch: string;
  readonly message?: string;
  readonly replaceAll?: boolean;
}

/**
 * An importer's options in the order `--help` lists them: `--branch`, `-m`, the importer's own
 * (`own`), `--replace-all`, then the write policy.
 */
export function importerOptions(cmd: Command, own: (cmd: Command) => Command): Command {
  return policyOptions(
    replaceAllOption(
      own(
        cmd
          .option('--branch <name>', 'branch to commit to', 'main')
          .option('-m, --message <msg>', 'commit message'),
      ),
    ),
  );
}

/** What every importer is told from those flags: branch, message, whole-branch mode, policy. */
export function importerTarget(flags: ImporterFlags) {
  return {
    branch: flags.branch,
    ...(flags.message ? { message: flags.message } : {}),
    ...(flags.replaceAll ? { mode: 'replace_all' as const } : {}),
    policy: policyOf(flags),
  };
}

export function policyOf(flags: PolicyFlags): WritePolicy {
  return {
    ...(flags.clip ? { clip: true } : {}),
    ...(flags.allowUnknownImages ? { allowUnknownImages: true } : {}),
  };
}

/** `[branch commit] summary`, or "nothing to commit" when the write made no commit. */
export function commitLine(
  branch: string,
  r: { readonly commit: string; readonly committed: boolean },
  summary: string,
): string {
  return r.committed
    ? `[${branch} ${r.commit.slice(0, 12)}] ${summary}`
    : `nothing to commit: ${branch} unchanged at ${r.commit.slice(0, 12)} (${summary})`;
}

/** What a `--replace-all` import removed (nothing printed for other modes). */
export function removedLines(mode: string, removed: RemovedReport): string[] {
  if (mode !== 'replace_all' || removed.labels === 0) return [];
  const more = removed.images - removed.image_ids.length;
  return [
    `removed ${plural(removed.labels, 'label')} (${plural(removed.reviews, 'review')}) of ${plural(removed.images, 'image')}: ${removed.image_ids.join(', ')}${more > 0 ? `, and ${more} more` : ''}`,
  ];
}

/** Labels kept past their image's border, and labels clipped. */
export function geometryLines(g: GeometryReport): string[] {
  const out: string[] = [];
  const px = Math.round(g.max_excursion * 10) / 10;
  if (g.tolerated > 0) {
    const one = g.tolerated === 1;
    out.push(
      `${plural(g.tolerated, 'label')} extend${one ? 's' : ''} up to ${px} px past ${one ? 'its' : 'their'} image's border (kept as given; --clip clips ${one ? 'it' : 'them'})`,
    );
  }
  if (g.clipped > 0) {
    const named = g.clipped_labels
      .slice(0, LISTED)
      .map((c) => `${c.image}/${c.label} (${c.fields.join(', ')})`);
    const more = g.clipped - named.length;
    out.push(
      `clipped ${plural(g.clipped, 'label')} to ${g.clipped === 1 ? 'its' : 'their'} image: ${named.join(', ')}${more > 0 ? `, and ${more} more (--json lists them)` : ''}`,
    );
  }
  return out;
}
