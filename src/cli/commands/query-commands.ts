/**
 * `verso count REF [--where EXPR] [--json]` (layer: cli): the number of labels of a snapshot,
 * or of those matching a filter (docs/formats.md, "Filter language").
 */
import type { Command } from 'commander';
import { withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';

export function registerQueryCommands(program: Command): void {
  program
    .command('count <ref>')
    .description('number of labels at REF (O(1)), or of those matching --where EXPR')
    .option('--where <expr>', 'count only labels matching this filter expression')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { where?: string; json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { countLabels } = await import('../../api/count.js');
        const r = await countLabels(repo, ref, opts.where);
        if (opts.json) return printJson(r);
        return printLines([String(r.labels)]);
      }),
    );
}
