/**
 * `verso blame IMAGE [LABEL]` (layer: cli): who introduced and last changed each label of an
 * image, and who reviewed it, read from the blame index (`api/blame.ts`). `--json` prints the
 * structured result; the default is one block per label.
 */
import type { Command } from 'commander';
import type { LabelBlame } from '../../api/blame/index.js';
import { withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';

export function registerBlameCommands(program: Command): void {
  program
    .command('blame <image> [label]')
    .description('per label: the commit that introduced it, the last change, annotator and review')
    .option('--ref <ref>', 'the commit to read (branch, tag, id, main~2, ...)', 'main')
    .option('--json', 'machine-readable output')
    .action(
      async (
        image: string,
        label: string | undefined,
        opts: { ref: string; json?: boolean },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { blame } = await import('../../api/blame/index.js');
          const result = await blame(repo, {
            ref: opts.ref,
            image,
            ...(label !== undefined ? { label } : {}),
          });
          if (opts.json) return printJson(result);
          return printLines(result.flatMap((b, i) => [...(i ? [''] : []), ...blameBlock(b)]));
        }),
    );
}

const short = (commit: string): string => commit.slice(0, 12);
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function blameBlock(b: LabelBlame): string[] {
  const lines = [
    `${b.image} ${b.label}`,
    `  introduced  ${short(b.introduced.commit)}  ${b.introduced.time}  ${b.introduced.author}  ${b.introduced.message}`,
    `  changed     ${short(b.changed.commit)}  ${b.changed.time}  ${b.changed.author}`,
    `  annotator   ${text(b.annotator)}${b.annotated_at === null ? '' : ` at ${text(b.annotated_at)}`}`,
  ];
  const r = b.review;
  lines.push(
    r
      ? `  review      ${text(r.status)} by ${text(r.reviewer)}${r.reviewed_at === null ? '' : ` at ${text(r.reviewed_at)}`}  (${short(r.commit)}  ${r.time})`
      : '  review      none',
  );
  return lines;
}
