/**
 * `verso blame IMAGE [LABEL]` (layer: cli): who introduced and last changed each label of an
 * image, and who reviewed it, read from the blame index (`api/blame/`). `--json` prints the
 * result as one document (the labels of one image: a bounded answer, not a stream); the default
 * is one block per label. `verso blame VIDEO --track ID`: per frame range of the track, the
 * commit that last changed it (`trackBlame`). `verso blame IMAGE [OBJECT] --annotations`: per
 * annotator's labeling of each object, the commits that introduced and last changed it
 * (`annotationBlame`).
 */
import type { Command } from 'commander';
import type { AnnotationBlame, LabelBlame, TrackBlame } from '../../api/blame/index.js';
import { UsageError } from '../usage-error.js';
import { defineCommand, registerTable } from '../command-table.js';
import type { CliContext } from '../context.js';

export const blameCommand = defineCommand<
  { ref: string; track?: string; annotations?: boolean },
  LabelBlame[] | TrackBlame | { annotations: AnnotationBlame[] }
>({
  name: 'blame <image> [label]',
  description:
    "per label: the commit that introduced it, the last change, annotator and review; with --track, per frame range of a video track; with --annotations, per annotator's labeling of each object",
  spec: (cmd) =>
    cmd
      .option('--ref <ref>', 'the commit to read (branch, tag, id, main~2, ...)', 'main')
      .option(
        '--track <id>',
        'IMAGE is a video: per frame range of this track, the commit that last changed it (first-parent history)',
      )
      .option(
        '--annotations',
        "per annotator's labeling of each object (LABEL: one object), the commits that introduced and last changed it (first-parent history)",
      ),
  repository: true,
  async run(repo, { args, opts }) {
    const { annotationBlame, blame, trackBlame } = await import('../../api/blame/index.js');
    const label = args[1] as string | undefined;
    if (opts.track !== undefined) {
      if (label !== undefined) throw new UsageError('--track takes a video and no label');
      if (opts.annotations) throw new UsageError('give --track or --annotations, not both');
      return trackBlame(repo, { ref: opts.ref, video: args[0] as string, track: opts.track });
    }
    if (opts.annotations) {
      const q = { ref: opts.ref, image: args[0] as string };
      return {
        annotations: await annotationBlame(repo, label === undefined ? q : { ...q, object: label }),
      };
    }
    return blame(repo, {
      ref: opts.ref,
      image: args[0] as string,
      ...(label !== undefined ? { label } : {}),
    });
  },
  render: (result) =>
    Array.isArray(result)
      ? result.flatMap((b, i) => [...(i ? [''] : []), ...blameBlock(b)])
      : 'annotations' in result
        ? result.annotations.flatMap((b, i) => [...(i ? [''] : []), ...annotationBlock(b)])
        : trackBlock(result),
});

export function registerBlameCommands(program: Command, ctx: CliContext): void {
  registerTable(program, ctx, [blameCommand]);
}

const short = (commit: string): string => commit.slice(0, 12);
const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function trackBlock(t: TrackBlame): string[] {
  const width = Math.max(...t.frames.map((f) => `${f.from}-${f.to}`.length), 0);
  return [
    `${t.video} track ${t.track} (${t.class})`,
    `  introduced  ${short(t.introduced.commit)}  ${t.introduced.time}  ${t.introduced.author}  ${t.introduced.message}`,
    `  record      ${short(t.record.commit)}  ${t.record.time}  ${t.record.author}  ${t.record.message}`,
    ...t.frames.map(
      (f) =>
        `  frames ${`${f.from}-${f.to}`.padEnd(width)}  ${short(f.commit)}  ${f.time}  ${f.author}  ${f.message}`,
    ),
  ];
}

function annotationBlock(b: AnnotationBlame): string[] {
  const own = b.label === b.object ? '' : ` (label ${b.label})`;
  return [
    `${b.image} ${b.object} by ${b.annotator}${own}${b.annotated_at === null ? '' : ` at ${b.annotated_at}`}`,
    `  introduced  ${short(b.introduced.commit)}  ${b.introduced.time}  ${b.introduced.author}  ${b.introduced.message}`,
    `  changed     ${short(b.changed.commit)}  ${b.changed.time}  ${b.changed.author}  ${b.changed.message}`,
  ];
}

function blameBlock(b: LabelBlame): string[] {
  const lines = [
    `${b.image} ${b.label}`,
    `  introduced  ${short(b.introduced.commit)}  ${b.introduced.time}  ${b.introduced.author}  ${b.introduced.message}`,
    `  changed     ${short(b.changed.commit)}  ${b.changed.time}  ${b.changed.author}`,
    `  annotator   ${text(b.annotator)}${b.annotated_at === null ? '' : ` at ${text(b.annotated_at)}`}`,
  ];
  const p = b.proposed_by as {
    model_name?: unknown;
    prediction_set?: unknown;
    score?: unknown;
  } | null;
  if (p !== null && typeof p === 'object')
    lines.push(
      `  proposed by model ${text(p.model_name)} (prediction set ${text(p.prediction_set)}, score ${text(p.score)})`,
    );
  const r = b.review;
  lines.push(
    r
      ? `  review      ${text(r.status)} by ${text(r.reviewer)}${r.reviewed_at === null ? '' : ` at ${text(r.reviewed_at)}`}  (${short(r.commit)}  ${r.time})`
      : '  review      none',
  );
  return lines;
}
