/**
 * `verso merge SRC --into DST` and its pending-merge subcommands: status, resolve, commit,
 * abort (layer: cli).
 */
import type { Command } from 'commander';
import { withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';

type Json = { json?: boolean };
const INTO = ['--into <branch>', 'destination branch', 'main'] as const;

export function registerMergeCommands(program: Command): void {
  const merge = program
    .command('merge')
    .description('three-way merge of a ref into a branch; conflicts stop it as a pending merge');

  // `verso merge SRC` runs the default subcommand; the parent has no options of its own, so
  // --into/--json always belong to the subcommand that was named.
  merge
    .command('start <source>', { isDefault: true })
    .description('merge SRC (branch, tag or commit) into a branch (the default subcommand)')
    .option(...INTO)
    .option('-m, --message <msg>', 'merge commit message')
    .option('--no-ff', 'make a merge commit even when a fast-forward is possible')
    .option('--allow-duplicates', 'let possible duplicate objects through (listed in the commit)')
    .option('--json', 'machine-readable output')
    .action(
      async (
        source: string,
        opts: Json & { into: string; message?: string; ff: boolean; allowDuplicates?: boolean },
        cmd: Command,
      ) => {
        return withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { merge: run } = await import('../../api/merge/index.js');
          const r = await run(repo, {
            source,
            into: opts.into,
            ...(opts.message ? { message: opts.message } : {}),
            noFastForward: !opts.ff,
            allowDuplicates: opts.allowDuplicates ?? false,
          });
          if (opts.json) return printJson(r);
          if (r.status === 'up-to-date')
            return printLines([`${opts.into} is up to date with ${source}`]);
          if (r.status === 'fast-forward')
            return printLines([
              `fast-forward ${opts.into} ${r.from.slice(0, 12)}..${r.head.slice(0, 12)}`,
            ]);
          const applied = Object.entries(r.applied)
            .map(([t, c]) => `${t} +${c.added} -${c.removed} ~${c.modified}`)
            .join(', ');
          return printLines([
            `[${opts.into} ${r.commit.slice(0, 12)}] merged ${source}: ${applied}`,
            ...(r.duplicatesAllowed
              ? [`${r.duplicatesAllowed} possible duplicates let through`]
              : []),
          ]);
        });
      },
    );

  merge
    .command('status')
    .description('the pending merge of a branch: each conflict with base/ours/theirs')
    .option(...INTO)
    .option('--json', 'machine-readable output')
    .action(async (opts: Json & { into: string }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { mergeStatus } = await import('../../api/merge/index.js');
        const s = await mergeStatus(repo, opts.into);
        if (opts.json) return printJson(s);
        const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
        return printLines([
          `merge of ${s.source} (${s.theirs.slice(0, 12)}) into ${s.into} (${s.ours.slice(0, 12)}), started by ${s.startedBy} at ${s.startedAt}`,
          `${s.conflicts.length} conflicts, ${s.undecided} undecided`,
          ...s.conflicts.flatMap((c) => [
            '',
            `${c.resolution ? `[${c.resolution.choice}]` : '[undecided]'} ${c.id} (${c.kind})`,
            ...('base' in c ? [`  base:   ${show(c.base)}`] : []),
            `  ours:   ${show(c.ours)}`,
            `  theirs: ${show(c.theirs)}`,
            ...(c.review
              ? [
                  `  review ours: ${show(c.review.ours)}`,
                  `  review theirs: ${show(c.review.theirs)}`,
                ]
              : []),
          ]),
        ]);
      }),
    );

  merge
    .command('resolve')
    .description('decide conflicts: one id, IMAGE/LABEL, or --all')
    .argument('[id]', 'conflict id as printed by merge status, or IMAGE/LABEL')
    .option(...INTO)
    .option('--all', 'every undecided conflict')
    .option('--ours', "keep the destination's value")
    .option('--theirs', "take the source's value")
    .option('--both', 'possible duplicates: keep both labels')
    .option('--value <file>', 'the record to store, as JSON (null deletes it)')
    .option('--json', 'machine-readable output')
    .action(
      async (
        id: string | undefined,
        opts: Json & {
          into: string;
          all?: boolean;
          ours?: boolean;
          theirs?: boolean;
          both?: boolean;
          value?: string;
        },
        cmd: Command,
      ) => {
        const choices = (['ours', 'theirs', 'both'] as const).filter((c) => opts[c]);
        const picked = [...choices, ...(opts.value ? (['value'] as const) : [])];
        if (picked.length !== 1)
          cmd.error('error: give exactly one of --ours, --theirs, --both, --value FILE', {
            exitCode: 2,
          });
        return withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { resolveConflicts } = await import('../../api/merge/index.js');
          const r = await resolveConflicts(repo, {
            into: opts.into,
            ...(id ? { id } : {}),
            all: opts.all ?? false,
            choice: picked[0]!,
            ...(opts.value ? { valueFile: opts.value } : {}),
          });
          if (opts.json) return printJson(r);
          return printLines([
            ...r.resolved.map((x) => `resolved ${x} (${picked[0]})`),
            ...Object.entries(r.dropped).map(
              ([x, fields]) =>
                `${x} drops ${fields.map((f) => `${f.field} (${f.from.join(', ')})`).join(', ')}`,
            ),
            `${r.undecided} undecided`,
          ]);
        });
      },
    );

  merge
    .command('commit')
    .description('make the merge commit once every conflict is decided')
    .option(...INTO)
    .option('-m, --message <msg>', 'merge commit message')
    .option('--json', 'machine-readable output')
    .action(async (opts: Json & { into: string; message?: string }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { commitMerge } = await import('../../api/merge/index.js');
        const r = await commitMerge(repo, opts.into, opts.message);
        if (opts.json) return printJson(r);
        return printLines([
          `[${opts.into} ${r.commit.slice(0, 12)}] merge committed with ${r.resolutions} resolutions`,
        ]);
      }),
    );

  merge
    .command('abort')
    .description('drop the pending merge (the branch never moved)')
    .option(...INTO)
    .option('--json', 'machine-readable output')
    .action(async (opts: Json & { into: string }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { abortMerge } = await import('../../api/merge/index.js');
        const r = await abortMerge(repo, opts.into);
        if (opts.json) return printJson(r);
        return printLines([`merge into ${opts.into} aborted (${r.conflicts} conflicts dropped)`]);
      }),
    );
}
