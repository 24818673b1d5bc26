/**
 * `verso branch list|create|delete` and `verso tag list|create` (layer: cli).
 */
import type { Command } from 'commander';
import type { RefKind } from '../../catalog/catalog.js';
import { withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';

async function listAction(kind: RefKind, json: boolean | undefined, cmd: Command): Promise<void> {
  return withRepository(cmd.optsWithGlobals(), async (repo) => {
    const { listRefs } = await import('../../api/refs.js');
    const refs = await listRefs(repo, kind);
    if (json) return printJson(refs);
    return printLines(refs.map((r) => `${r.name}\t${r.target.slice(0, 12)}`));
  });
}

export function registerRefCommands(program: Command): void {
  const branch = program.command('branch').description('list, create or delete branches');
  branch
    .command('list', { isDefault: true })
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }, cmd: Command) => listAction('branch', opts.json, cmd));
  branch
    .command('create <name>')
    .option('--from <ref>', 'where the branch starts', 'main')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { from: string; json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { createBranch } = await import('../../api/refs.js');
        const r = await createBranch(repo, name, opts.from);
        if (opts.json) return printJson(r);
        return printLines([`created branch ${r.name} at ${r.target.slice(0, 12)}`]);
      }),
    );
  branch
    .command('delete <name>')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { deleteBranch } = await import('../../api/refs.js');
        const r = await deleteBranch(repo, name);
        if (opts.json) return printJson(r);
        return printLines([`deleted branch ${r.name} (was ${r.target.slice(0, 12)})`]);
      }),
    );

  const tag = program.command('tag').description('list or create tags (tags never move)');
  tag
    .command('list', { isDefault: true })
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }, cmd: Command) => listAction('tag', opts.json, cmd));
  tag
    .command('create <name> <ref>')
    .option('--json', 'machine-readable output')
    .action(async (name: string, ref: string, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { createTag } = await import('../../api/refs.js');
        const r = await createTag(repo, name, ref);
        if (opts.json) return printJson(r);
        return printLines([`created tag ${r.name} at ${r.target.slice(0, 12)}`]);
      }),
    );
}
