/**
 * `verso count REF [--where EXPR] [--explain] [--json]` (layer: cli): the number of labels of a
 * snapshot, or of those matching a filter (docs/formats.md, "Filter language"); and
 * `verso index build|show [REF]`, the secondary indexes the query planner uses. Command-table
 * entries; `--explain` (here and on `cat`) is one document.
 */
import type { Command } from 'commander';
import type { Repository } from '../../api/repository/index.js';
import type { IndexReport, QueryExplanation } from '../../api/query/index.js';
import { defineCommand, registerTable, type AnyCliCommand } from '../command-table.js';
import type { CliContext } from '../context.js';

/** What `--explain` returns: the plan of a filter (`count`, `cat`, `export`). */
export type Explanation = QueryExplanation;

/** `--explain`: the plan of `where` at `ref`. */
export async function explainCommand(
  repo: Repository,
  ref: string,
  where: string,
  schema: string | undefined,
): Promise<Explanation> {
  const { explainQuery } = await import('../../api/query/index.js');
  return explainQuery(repo, ref, where, schema);
}

export async function* explanationText(e: Explanation, counting: boolean): AsyncGenerator<string> {
  const { explanationLines } = await import('../explain-render.js');
  yield* explanationLines(e, counting);
}

export const count = defineCommand<
  { where?: string; explain?: boolean },
  Explanation | { labels: number }
>({
  name: 'count <ref>',
  description: 'number of labels at REF (O(1)), or of those matching --where EXPR',
  spec: (cmd) =>
    cmd
      .option('--where <expr>', 'count only labels matching this filter expression')
      .option('--explain', 'print how the filter would be answered (index or scan), do not count'),
  repository: true,
  async run(repo, { args, opts }) {
    const ref = args[0] as string;
    if (opts.explain && opts.where !== undefined)
      return explainCommand(repo, ref, opts.where, undefined);
    const { countLabels } = await import('../../api/read/index.js');
    return countLabels(repo, ref, opts.where);
  },
  render: (data, { opts }) =>
    opts.explain && opts.where !== undefined
      ? explanationText(data as Explanation, true)
      : [String((data as { labels: number }).labels)],
});

const indexBuild = defineCommand<unknown, IndexReport>({
  name: 'build [ref]',
  description:
    "index the snapshot's trees that have no index yet (later commits keep them), and fold the deltas of the others into their base",
  repository: true,
  progress: true,
  async run(repo, { args }, rc) {
    const { buildIndexes } = await import('../../api/query/index.js');
    return buildIndexes(repo, (args[0] as string | undefined) ?? 'main', rc.progress);
  },
  render: indexLines,
});

const indexShow = defineCommand<unknown, IndexReport>({
  name: 'show [ref]',
  description: "which of the snapshot's trees are indexed",
  repository: true,
  async run(repo, { args }) {
    const { showIndexes } = await import('../../api/query/index.js');
    return showIndexes(repo, (args[0] as string | undefined) ?? 'main');
  },
  render: indexLines,
});

export const INDEX_COMMANDS: readonly AnyCliCommand[] = [indexBuild, indexShow];

export function registerQueryCommands(program: Command, ctx: CliContext): void {
  registerTable(program, ctx, [count]);
  const index = program
    .command('index')
    .description('secondary indexes (class, annotator, annotated_at, review fields, split)');
  registerTable(index, ctx, INDEX_COMMANDS);
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
