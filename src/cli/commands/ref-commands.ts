/**
 * `verso branch list|create|delete`, `verso tag list|create|delete` and `verso reflog`
 * (layer: cli). Tags never move: `tag delete` is refused.
 */
import type { Command } from 'commander';
import type { RefKind, RefLogEntry } from '../../catalog/catalog.js';
import { positiveInteger } from '../arg-parsers.js';
import { withRepository } from '../context.js';
import { printJson, printJsonLines, printLines } from '../output.js';

async function listAction(kind: RefKind, json: boolean | undefined, cmd: Command): Promise<void> {
  return withRepository(cmd.optsWithGlobals(), async (repo) => {
    const { listRefs } = await import('../../api/repository/index.js');
    const refs = await listRefs(repo, kind);
    if (json) return printJsonLines(refs);
    return printLines(refs.map((r) => `${r.name}\t${r.target.slice(0, 12)}`));
  });
}

export function registerRefCommands(program: Command): void {
  const branch = program.command('branch').description('list, create or delete branches');
  branch
    .command('list', { isDefault: true })
    .description('every branch and the commit it points at')
    .option('--json', 'one JSON object per branch')
    .action((opts: { json?: boolean }, cmd: Command) => listAction('branch', opts.json, cmd));
  branch
    .command('create <name>')
    .description(
      'a new branch at a commit (a ref, a commit id or prefix, e.g. from `verso reflog`)',
    )
    .option(
      '--from <ref>',
      'where the branch starts: branch, tag, commit id or prefix, main~2',
      'main',
    )
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { from: string; json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { createBranch } = await import('../../api/repository/index.js');
        const r = await createBranch(repo, name, opts.from);
        if (opts.json) return printJson(r);
        return printLines([`created branch ${r.name} at ${r.target.slice(0, 12)}`]);
      }),
    );
  branch
    .command('delete <name>')
    .description(
      'delete a branch (recorded in the ref log: `verso reflog NAME` shows how to restore it)',
    )
    .option('--force', 'delete the default branch, or a branch with a pending merge, too')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { force?: boolean; json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { deleteBranch } = await import('../../api/repository/index.js');
        const r = await deleteBranch(repo, name, { force: !!opts.force });
        if (opts.json) return printJson(r);
        const short = r.target.slice(0, 12);
        return printLines([
          `deleted branch ${r.name} (was ${short}); restore it with: verso branch create ${r.name} --from ${short}`,
          ...(r.pendingMergeKept
            ? [`its pending merge is kept: verso merge abort --into ${r.name} drops it`]
            : []),
        ]);
      }),
    );

  const tag = program.command('tag').description('list or create tags (tags never move)');
  tag
    .command('list', { isDefault: true })
    .description('every tag and the commit it points at')
    .option('--json', 'one JSON object per tag')
    .action((opts: { json?: boolean }, cmd: Command) => listAction('tag', opts.json, cmd));
  tag
    .command('create <name> <ref>')
    .description('a tag at a commit, for good')
    .option('--json', 'machine-readable output')
    .action(async (name: string, ref: string, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { createTag } = await import('../../api/repository/index.js');
        const r = await createTag(repo, name, ref);
        if (opts.json) return printJson(r);
        return printLines([`created tag ${r.name} at ${r.target.slice(0, 12)}`]);
      }),
    );
  tag
    .command('delete <name>')
    .description('refused: tags never move (create a new tag instead)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, _opts: unknown, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { deleteTag } = await import('../../api/repository/index.js');
        await deleteTag(repo, name);
      }),
    );

  program
    .command('reflog [ref]')
    .description(
      'every move of REF (a branch or tag, deleted ones too) or of all refs, newest first',
    )
    .option('-n, --max-count <n>', 'show at most n entries', positiveInteger)
    .option('--json', 'one JSON object per entry')
    .action(
      async (ref: string | undefined, opts: { maxCount?: number; json?: boolean }, cmd: Command) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { readRefLog } = await import('../../api/repository/index.js');
          const entries = await readRefLog(repo, {
            ...(ref !== undefined ? { ref } : {}),
            ...(opts.maxCount !== undefined ? { limit: opts.maxCount } : {}),
          });
          if (opts.json) return printJsonLines(entries);
          return printLines(entries.map(refLogLine));
        }),
    );
}

const short = (id: string | null): string => (id === null ? '-'.repeat(12) : id.slice(0, 12));

/** `TIME REF FROM..TO OPERATION by AUTHOR: MESSAGE`. */
function refLogLine(e: RefLogEntry): string {
  const who = e.author ? ` by ${e.author}` : '';
  const why = e.message ? `: ${e.message}` : '';
  return `${e.time}  ${e.ref}  ${short(e.from)}..${short(e.to)}  ${e.operation}${who}${why}`;
}
