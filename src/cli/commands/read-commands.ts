/**
 * `verso log`, `show`, `diff`, `cat` (layer: cli). Every one takes `--json`: `log`, `diff` and
 * `cat` list records (JSON Lines), `show` and `diff --stat` print one object.
 */
import type { Command } from 'commander';
import { withRepository } from '../context.js';
import { printExplanation } from './query-commands.js';
import { positiveInteger } from '../arg-parsers.js';
import { printBlocks, printJson, printJsonLines, printLines } from '../output.js';

export function registerReadCommands(program: Command): void {
  program
    .command('log [ref]')
    .description('commits reachable from REF (default main), newest first')
    .option('-n, --max-count <n>', 'show at most n commits', positiveInteger)
    .option('--json', 'one JSON object per commit')
    .action(
      async (ref: string | undefined, opts: { maxCount?: number; json?: boolean }, cmd: Command) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { logCommits } = await import('../../api/read/index.js');
          const entries = logCommits(repo, ref ?? 'main', opts.maxCount ?? Infinity);
          if (opts.json) return printJsonLines(entries);
          return printLines(
            mapAsync(entries, (c) =>
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
          );
        }),
    );

  program
    .command('show <ref>')
    .description('a commit, its snapshot id and record counts per tree')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { showCommit } = await import('../../api/read/index.js');
        const s = await showCommit(repo, ref);
        if (opts.json)
          return printJson({
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
          });
        return printLines([
          `commit ${s.id}`,
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
        ]);
      }),
    );

  program
    .command('diff <from> <to>')
    .description(
      'record-level changes from one ref to another (labels, reviews, assets, splits): changed fields, geometry movement',
    )
    .option('--stat', 'counts per tree and, for labels, per class, instead of the changes')
    .option('--json', 'one JSON object per change with before/after (or the stat object)')
    .action(
      async (from: string, to: string, opts: { stat?: boolean; json?: boolean }, cmd: Command) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { diffDetails, diffStat } = await import('../../api/read/index.js');
          const render = await import('./diff-render.js');
          if (opts.stat) {
            const stat = await diffStat(repo, from, to);
            if (opts.json) return printJson(stat);
            return printLines(render.statLines(stat));
          }
          const changes = diffDetails(repo, from, to);
          return printLines(mapAsync(changes, opts.json ? render.changeJson : render.changeText));
        }),
    );

  program
    .command('cat <ref>')
    .description('every label of a snapshot as JSONL (native interchange format), in key order')
    .option('--json', 'JSON Lines, one label per line (the default and only format)')
    .option(
      '--schema <version>',
      "labels as schema VERSION (maps renames/merges from the snapshot's)",
    )
    .option('--where <expr>', 'only labels matching this filter expression')
    .option('--explain', 'print how the filter would be answered (index or scan), print no labels')
    .action(
      async (
        ref: string,
        opts: { json?: boolean; schema?: string; where?: string; explain?: boolean },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          if (opts.explain && opts.where !== undefined)
            return printExplanation(repo, ref, opts.where, opts.schema, opts.json);
          const { catLabelBlocks } = await import('../../api/read/index.js');
          return printBlocks(
            catLabelBlocks(repo, ref, {
              ...(opts.schema !== undefined ? { schema: opts.schema } : {}),
              ...(opts.where !== undefined ? { where: opts.where } : {}),
            }),
          );
        }),
    );
}

async function* mapAsync<T, U>(it: AsyncIterable<T>, fn: (x: T) => U): AsyncGenerator<U> {
  for await (const x of it) yield fn(x);
}

/** A merge commit's decisions, one line each: `resolved ID (KIND): CHOICE by WHO at WHEN`. */
function resolutionLines(resolutions: unknown): string[] {
  if (!Array.isArray(resolutions)) return [];
  return resolutions.map(
    (r: { id?: string; kind?: string; choice?: string; by?: string; at?: string }) =>
      `resolved ${r.id} (${r.kind}): ${r.choice} by ${r.by} at ${r.at}`,
  );
}
