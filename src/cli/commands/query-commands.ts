/**
 * `verso count REF [--where EXPR] [--explain] [--json]` (layer: cli): the number of labels of a
 * snapshot, or of those matching a filter (docs/formats.md, "Filter language"); and
 * `verso index build|show [REF]`, the secondary indexes the query planner uses.
 */
import type { Command } from 'commander';
import { withRepository } from '../context.js';
import type { Repository } from '../../api/repository/index.js';
import type { IndexReport } from '../../api/query/index.js';
import { printJson, printLines } from '../output.js';
import { endProgress, progressBar } from '../progress-bar.js';

export function registerQueryCommands(program: Command): void {
  program
    .command('count <ref>')
    .description('number of labels at REF (O(1)), or of those matching --where EXPR')
    .option('--where <expr>', 'count only labels matching this filter expression')
    .option('--explain', 'print how the filter would be answered (index or scan), do not count')
    .option('--json', 'machine-readable output')
    .action(
      async (
        ref: string,
        opts: { where?: string; explain?: boolean; json?: boolean },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          if (opts.explain && opts.where !== undefined)
            return printExplanation(repo, ref, opts.where, undefined, opts.json, true);
          const { countLabels } = await import('../../api/read/index.js');
          const r = await countLabels(repo, ref, opts.where);
          if (opts.json) return printJson(r);
          return printLines([String(r.labels)]);
        }),
    );

  const index = program
    .command('index')
    .description('secondary indexes (class, annotator, annotated_at, review fields, split)');
  index
    .command('build [ref]')
    .description(
      "index the snapshot's trees that have no index yet (later commits keep them), and fold the deltas of the others into their base",
    )
    .option('--json', 'machine-readable output')
    .action(async (ref: string | undefined, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { buildIndexes } = await import('../../api/query/index.js');
        const bar = progressBar();
        const r = await buildIndexes(repo, ref ?? 'main', bar);
        endProgress(bar);
        return opts.json ? printJson(r) : printLines(indexLines(r));
      }),
    );
  index
    .command('show [ref]')
    .description("which of the snapshot's trees are indexed")
    .option('--json', 'machine-readable output')
    .action(async (ref: string | undefined, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { showIndexes } = await import('../../api/query/index.js');
        const r = await showIndexes(repo, ref ?? 'main');
        return opts.json ? printJson(r) : printLines(indexLines(r));
      }),
    );
}

/** `--explain`: the plan of `where` at `ref`, as lines or JSON. */
export async function printExplanation(
  repo: Repository,
  ref: string,
  where: string,
  schema: string | undefined,
  json: boolean | undefined,
  counting = false,
): Promise<void> {
  const { explainQuery, explanationLines } = await import('../../api/query/index.js');
  const e = await explainQuery(repo, ref, where, schema);
  return json ? printJson(e) : printLines(explanationLines(e, counting));
}

function indexLines(r: IndexReport): string[] {
  return r.trees.map((t) => {
    const what = `${t.tree} (${t.fields.join(', ')})`;
    if (t.index === null) return `${what}: not indexed`;
    const deltas = t.delta_entries ? ` (${t.delta_entries} in deltas)` : '';
    const done =
      t.built === 'built' ? ', built now' : t.built === 'folded' ? ', deltas folded now' : '';
    return `${what}: ${t.entries} entries${deltas}${done}`;
  });
}
