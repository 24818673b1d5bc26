/**
 * `verso log`, `show`, `diff`, `cat`, `tracks` (layer: cli), as command-table entries. Every one
 * takes `--json`: `log`, `diff` and `tracks` stream records (JSON Lines), `cat` prints labels as
 * JSON Lines with or without it, `show`, `diff --stat` and `cat --explain` print one document.
 */
import type { Command } from 'commander';
import type { ChangeDetail, DiffStat, LogEntry, TrackListing } from '../../api/read/index.js';
import { positiveInteger } from '../arg-parsers.js';
import { UsageError } from '../usage-error.js';
import {
  defineCommand,
  RawBlocks,
  Records,
  registerTable,
  type AnyCliCommand,
} from '../command-table.js';
import type { CliContext } from '../context.js';
import { explainCommand, explanationText, type Explanation } from './query-commands.js';

export const log = defineCommand<{ maxCount?: number }, Records<LogEntry>>({
  name: 'log [ref]',
  description: 'commits reachable from REF (default main), newest first',
  spec: (cmd) => cmd.option('-n, --max-count <n>', 'show at most n commits', positiveInteger),
  json: 'one JSON object per commit',
  repository: true,
  async run(repo, { args, opts }) {
    const { logCommits } = await import('../../api/read/index.js');
    return new Records(
      logCommits(repo, (args[0] as string | undefined) ?? 'main', opts.maxCount ?? Infinity),
    );
  },
  render: (entries) =>
    entries.map((c) =>
      [
        `commit ${c.id}`,
        ...(c.parents.length > 1
          ? [`Merge: ${c.parents.map((p) => p.slice(0, 12)).join(' ')}`]
          : []),
        `Author: ${c.author}`,
        `Date:   ${c.time}`,
        '',
        `    ${c.message}`,
        '',
      ].join('\n'),
    ),
});

export const show = defineCommand({
  name: 'show <ref>',
  description: 'a commit, its snapshot id and record counts per tree',
  repository: true,
  async run(repo, { args }) {
    const { showCommit } = await import('../../api/read/index.js');
    const s = await showCommit(repo, args[0] as string);
    return {
      commit: s.id,
      snapshot: s.snapshot,
      parents: s.parents,
      author: s.author,
      time: s.time,
      message: s.message,
      schema: s.schema,
      counts: s.counts,
      categories: s.categories,
      trees: s.trees,
      operations: s.operations,
    };
  },
  render: (s) => [
    `commit ${s.commit}`,
    `snapshot ${s.snapshot}`,
    ...(s.parents.length ? [`parents ${s.parents.join(' ')}`] : []),
    `Author: ${s.author}`,
    `Date:   ${s.time}`,
    '',
    `    ${s.message}`,
    '',
    ...Object.entries(s.counts).map(([t, n]) => `${t.padEnd(8)} ${n}`),
    ...(s.categories ? [`categories ${s.categories.count} (${s.categories.id})`] : []),
    `operations ${JSON.stringify(s.operations)}`,
    ...resolutionLines(s.operations['resolutions']),
  ],
});

export const diff = defineCommand<{ stat?: boolean }, DiffStat | Records<ChangeDetail>>({
  name: 'diff <from> <to>',
  description:
    'record-level changes from one ref to another (labels, reviews, assets, splits): changed fields, geometry movement',
  spec: (cmd) =>
    cmd.option('--stat', 'counts per tree and, for labels, per class, instead of the changes'),
  json: 'one JSON object per change with before/after (or the stat object)',
  repository: true,
  async run(repo, { args, opts }) {
    const { diffDetails, diffStat } = await import('../../api/read/index.js');
    const [from, to] = args as [string, string];
    if (opts.stat) return diffStat(repo, from, to);
    return new Records(diffDetails(repo, from, to));
  },
  async *render(data) {
    const text = await import('./diff-render.js');
    if (data instanceof Records) yield* data.map(text.changeText);
    else yield* text.statLines(data);
  },
});

export const cat = defineCommand<
  { schema?: string; where?: string; explain?: boolean; annotator?: string },
  RawBlocks | Explanation
>({
  name: 'cat <ref>',
  description: 'every label of a snapshot as JSONL (native interchange format), in key order',
  json: 'JSON Lines, one label per line (the default and only format; --explain: one document)',
  spec: (cmd) =>
    cmd
      .option(
        '--schema <version>',
        "labels as schema VERSION (maps renames/merges from the snapshot's)",
      )
      .option('--where <expr>', 'only labels matching this filter expression')
      .option(
        '--explain',
        'print how the filter would be answered (index or scan), print no labels',
      )
      .option(
        '--annotator <name>',
        "this annotator's labeling (from the annotations), with the object each label is",
      ),
  check: ({ opts }) => {
    if (opts.annotator !== undefined && (opts.where ?? opts.schema ?? opts.explain) !== undefined)
      throw new UsageError('--annotator takes neither --where, --schema nor --explain');
  },
  repository: true,
  async run(repo, { args, opts }) {
    const ref = args[0] as string;
    if (opts.annotator !== undefined) {
      const { readLabelingBlocks } = await import('../../api/annotators/index.js');
      return new RawBlocks(readLabelingBlocks(repo, ref, { annotator: opts.annotator }));
    }
    if (opts.explain && opts.where !== undefined)
      return explainCommand(repo, ref, opts.where, opts.schema);
    const { catLabelBlocks } = await import('../../api/read/index.js');
    return new RawBlocks(
      catLabelBlocks(repo, ref, {
        ...(opts.schema !== undefined ? { schema: opts.schema } : {}),
        ...(opts.where !== undefined ? { where: opts.where } : {}),
      }),
    );
  },
  render: (data) => (data instanceof RawBlocks ? [] : explanationText(data, false)),
});

export const tracks = defineCommand<{ video?: string; where?: string }, Records<TrackListing>>({
  name: 'tracks <ref>',
  description:
    'the video tracks at REF: class, keyframes and visible frames; --where selects them (track.length > 100, track.class = car and frame in 100..200)',
  spec: (cmd) =>
    cmd
      .option('--video <id>', 'only the tracks of this video')
      .option(
        '--where <expr>',
        'a track filter: video, track, track.class, track.attributes.X, track.length, track.keyframes, track.first, track.last, frame in A..B',
      ),
  json: 'one JSON object per track',
  repository: true,
  async run(repo, { args, opts }) {
    const { listTracks } = await import('../../api/read/index.js');
    return new Records(
      listTracks(repo, args[0] as string, {
        ...(opts.video !== undefined ? { video: opts.video } : {}),
        ...(opts.where !== undefined ? { where: opts.where } : {}),
      }),
    );
  },
  render: (listed) =>
    listed.map(
      (t) =>
        `${t.video} track ${t.track} (${t.class}): ${t.first === null ? 'never visible' : `frames ${t.first}-${t.last}, ${t.length} visible`}, ${t.keyframes} keyframes`,
    ),
});

export const READ_COMMANDS: readonly AnyCliCommand[] = [log, show, diff, cat, tracks];

export function registerReadCommands(program: Command, ctx: CliContext): void {
  registerTable(program, ctx, READ_COMMANDS);
}

/** A merge commit's decisions, one line each: `resolved ID (KIND): CHOICE by WHO at WHEN`. */
function resolutionLines(resolutions: unknown): string[] {
  if (!Array.isArray(resolutions)) return [];
  return resolutions.map(
    (r: { id?: string; kind?: string; choice?: string; by?: string; at?: string }) =>
      `resolved ${r.id} (${r.kind}): ${r.choice} by ${r.by} at ${r.at}`,
  );
}
