/**
 * `verso merge SRC --into DST` and its pending-merge subcommands: status, resolve, commit,
 * abort (layer: cli), as command-table entries. A merge that stops on conflicts fails with
 * `MERGE_CONFLICT` (exit 1); with `--json` its error envelope is the document on stdout.
 * A merge into a protected branch runs its gates (`verso branch protect --check`) on the
 * candidate before the branch moves (`mergeGate`): a failed gate is `MERGE_GATE_FAILED`, with
 * each check's result, and nothing moves.
 */
import type { Command } from 'commander';
import type { CommitResult } from '../../api/write/index.js';
import type { MergeResult, MergeStatus, ResolveResult } from '../../api/merge/index.js';
import { defineCommand, registerTable, type AnyCliCommand } from '../command-table.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../usage-error.js';
import type { Repository } from '../../api/repository/index.js';
import type { MoveCandidate } from '../../api/access/index.js';

/** The gates of `branch` (none when it is not protected), with the repository folder as URL. */
async function mergeGate(
  repo: Repository,
  branch: string,
): Promise<(candidate: MoveCandidate) => Promise<void>> {
  const { protectedMergeGate } = await import('../../api/access/index.js');
  return protectedMergeGate(repo, branch, { repositoryUrl: repo.root });
}

interface Into {
  readonly into: string;
}
const into = (cmd: Command) => cmd.option('--into <branch>', 'destination branch', 'main');

const start = defineCommand<
  Into & { message?: string; ff: boolean; allowDuplicates?: boolean },
  MergeResult
>({
  name: 'start <source>',
  isDefault: true,
  description: 'merge SRC (branch, tag or commit) into a branch (the default subcommand)',
  spec: (cmd) =>
    into(cmd)
      .option('-m, --message <msg>', 'merge commit message')
      .option('--no-ff', 'make a merge commit even when a fast-forward is possible')
      .option(
        '--allow-duplicates',
        'let possible duplicate objects through (listed in the commit)',
      ),
  repository: true,
  async run(repo, { args, opts }) {
    const { merge } = await import('../../api/merge/index.js');
    return merge(repo, {
      source: args[0] as string,
      into: opts.into,
      ...(opts.message ? { message: opts.message } : {}),
      noFastForward: !opts.ff,
      allowDuplicates: opts.allowDuplicates ?? false,
      gate: await mergeGate(repo, opts.into),
    });
  },
  render: (r, { args, opts }) => {
    const source = args[0] as string;
    if (r.status === 'up-to-date') return [`${opts.into} is up to date with ${source}`];
    if (r.status === 'fast-forward')
      return [`fast-forward ${opts.into} ${r.from.slice(0, 12)}..${r.head.slice(0, 12)}`];
    const applied = Object.entries(r.applied)
      .map(([t, c]) => `${t} +${c.added} -${c.removed} ~${c.modified}`)
      .join(', ');
    return [
      `[${opts.into} ${r.commit.slice(0, 12)}] merged ${source}: ${applied}`,
      ...(r.duplicatesAllowed ? [`${r.duplicatesAllowed} possible duplicates let through`] : []),
    ];
  },
});

const status = defineCommand<Into, MergeStatus>({
  name: 'status',
  description: 'the pending merge of a branch: each conflict with base/ours/theirs',
  spec: into,
  repository: true,
  async run(repo, { opts }) {
    const { mergeStatus } = await import('../../api/merge/index.js');
    return mergeStatus(repo, opts.into);
  },
  render: (s) => {
    const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
    return [
      `merge of ${s.source} (${s.theirs.slice(0, 12)}) into ${s.into} (${s.ours.slice(0, 12)}), started by ${s.startedBy} at ${s.startedAt}`,
      `${s.conflicts.length} conflicts, ${s.undecided} undecided`,
      ...s.conflicts.flatMap((c) => [
        '',
        `${c.resolution ? `[${c.resolution.choice}]` : '[undecided]'} ${c.id} (${c.kind})`,
        ...('base' in c ? [`  base:   ${show(c.base)}`] : []),
        `  ours:   ${show(c.ours)}`,
        `  theirs: ${show(c.theirs)}`,
        ...(c.review
          ? [`  review ours: ${show(c.review.ours)}`, `  review theirs: ${show(c.review.theirs)}`]
          : []),
      ]),
    ];
  },
});

type ResolveFlags = Into & {
  all?: boolean;
  ours?: boolean;
  theirs?: boolean;
  both?: boolean;
  value?: string;
};

function pickedChoices(opts: ResolveFlags): ('ours' | 'theirs' | 'both' | 'value')[] {
  const choices = (['ours', 'theirs', 'both'] as const).filter((c) => opts[c]);
  return [...choices, ...(opts.value ? (['value'] as const) : [])];
}

const resolveCommand = defineCommand<ResolveFlags, ResolveResult>({
  name: 'resolve',
  description: 'decide conflicts: one id, IMAGE/LABEL, or --all',
  spec: (cmd) =>
    into(cmd.argument('[id]', 'conflict id as printed by merge status, or IMAGE/LABEL'))
      .option('--all', 'every undecided conflict')
      .option('--ours', "keep the destination's value")
      .option('--theirs', "take the source's value")
      .option('--both', 'possible duplicates: keep both labels')
      .option('--value <file>', 'the record to store, as JSON (null deletes it)'),
  check: ({ args, opts }) => {
    if (pickedChoices(opts).length !== 1)
      throw new UsageError('give exactly one of --ours, --theirs, --both, --value FILE');
    if (!opts.all && args[0] === undefined) throw new UsageError('name a conflict id or use --all');
    if (opts.all && opts.value !== undefined)
      throw new UsageError('--value cannot be used with --all: it decides one record conflict');
  },
  repository: true,
  async run(repo, { args, opts }) {
    const { resolveConflicts } = await import('../../api/merge/index.js');
    const id = args[0] as string | undefined;
    return resolveConflicts(repo, {
      into: opts.into,
      ...(id ? { id } : {}),
      all: opts.all ?? false,
      choice: pickedChoices(opts)[0]!,
      ...(opts.value ? { valueFile: opts.value } : {}),
    });
  },
  render: (r, { opts }) => [
    ...r.resolved.map((x) => `resolved ${x} (${pickedChoices(opts)[0]})`),
    ...Object.entries(r.dropped).map(
      ([x, fields]) =>
        `${x} drops ${fields.map((f) => `${f.field} (${f.from.join(', ')})`).join(', ')}`,
    ),
    `${r.undecided} undecided`,
  ],
});

const commit = defineCommand<Into & { message?: string }, CommitResult & { resolutions: number }>({
  name: 'commit',
  description: 'make the merge commit once every conflict is decided',
  spec: (cmd) => into(cmd).option('-m, --message <msg>', 'merge commit message'),
  repository: true,
  async run(repo, { opts }) {
    const { commitMerge } = await import('../../api/merge/index.js');
    return commitMerge(repo, opts.into, opts.message, await mergeGate(repo, opts.into));
  },
  render: (r, { opts }) => [
    `[${opts.into} ${r.commit.slice(0, 12)}] merge committed with ${r.resolutions} resolutions`,
  ],
});

const abort = defineCommand<Into, { conflicts: number }>({
  name: 'abort',
  description: 'drop the pending merge (the branch never moved)',
  spec: into,
  repository: true,
  async run(repo, { opts }) {
    const { abortMerge } = await import('../../api/merge/index.js');
    return abortMerge(repo, opts.into);
  },
  render: (r, { opts }) => [`merge into ${opts.into} aborted (${r.conflicts} conflicts dropped)`],
});

export const MERGE_COMMANDS: readonly AnyCliCommand[] = [
  start,
  status,
  resolveCommand,
  commit,
  abort,
];

export function registerMergeCommands(program: Command, ctx: CliContext): void {
  // `verso merge SRC` runs the default subcommand; the parent has no options of its own, so
  // --into/--json always belong to the subcommand that was named.
  const merge = program
    .command('merge')
    .description('three-way merge of a ref into a branch; conflicts stop it as a pending merge');
  registerTable(merge, ctx, MERGE_COMMANDS);
}
