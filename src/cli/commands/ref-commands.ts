/**
 * `verso branch list|create|delete`, `verso tag list|create|delete` and `verso reflog`
 * (layer: cli), as command-table entries. Tags never move: `tag delete` is refused. Lists are
 * records (JSON Lines).
 */
import type { Command } from 'commander';
import type { RefKind, RefLogEntry, RefRecord } from '../../catalog/catalog.js';
import type { DeletedBranch } from '../../api/repository/index.js';
import { positiveInteger } from '../arg-parsers.js';
import { defineCommand, Records, registerTable, type AnyCliCommand } from '../command-table.js';
import type { CliContext } from '../context.js';

function listCommand(kind: RefKind): AnyCliCommand {
  return defineCommand<unknown, Records<RefRecord>>({
    name: 'list',
    isDefault: true,
    description: `every ${kind} and the commit it points at`,
    json: `one JSON object per ${kind}`,
    repository: true,
    async run(repo) {
      const { listRefs } = await import('../../api/repository/index.js');
      return new Records(await listRefs(repo, kind));
    },
    render: (refs) => refs.map((r) => `${r.name}\t${r.target.slice(0, 12)}`),
  });
}

interface CreatedRef {
  readonly name: string;
  readonly target: string;
}

const branchCreate = defineCommand<{ from: string }, CreatedRef>({
  name: 'create <name>',
  description: 'a new branch at a commit (a ref, a commit id or prefix, e.g. from `verso reflog`)',
  spec: (cmd) =>
    cmd.option(
      '--from <ref>',
      'where the branch starts: branch, tag, commit id or prefix, main~2',
      'main',
    ),
  repository: true,
  async run(repo, { args, opts }) {
    const { createBranch } = await import('../../api/repository/index.js');
    return createBranch(repo, args[0] as string, opts.from);
  },
  render: (r) => [`created branch ${r.name} at ${r.target.slice(0, 12)}`],
});

const branchDelete = defineCommand<{ force?: boolean }, DeletedBranch>({
  name: 'delete <name>',
  description:
    'delete a branch (recorded in the ref log: `verso reflog NAME` shows how to restore it)',
  spec: (cmd) =>
    cmd.option('--force', 'delete the default branch, or a branch with a pending merge, too'),
  repository: true,
  async run(repo, { args, opts }) {
    const { deleteBranch } = await import('../../api/repository/index.js');
    return deleteBranch(repo, args[0] as string, { force: !!opts.force });
  },
  render: (r) => {
    const short = r.target.slice(0, 12);
    return [
      `deleted branch ${r.name} (was ${short}); restore it with: verso branch create ${r.name} --from ${short}`,
      ...(r.pendingMergeKept
        ? [`its pending merge is kept: verso merge abort --into ${r.name} drops it`]
        : []),
    ];
  },
});

const tagCreate = defineCommand<unknown, CreatedRef>({
  name: 'create <name> <ref>',
  description: 'a tag at a commit, for good',
  repository: true,
  async run(repo, { args }) {
    const { createTag } = await import('../../api/repository/index.js');
    return createTag(repo, args[0] as string, args[1] as string);
  },
  render: (r) => [`created tag ${r.name} at ${r.target.slice(0, 12)}`],
});

const tagDelete = defineCommand<unknown, never>({
  name: 'delete <name>',
  description: 'refused: tags never move (create a new tag instead)',
  repository: true,
  async run(repo, { args }) {
    const { deleteTag } = await import('../../api/repository/index.js');
    return deleteTag(repo, args[0] as string);
  },
  render: () => [],
});

const reflog = defineCommand<{ maxCount?: number }, Records<RefLogEntry>>({
  name: 'reflog [ref]',
  description: 'every move of REF (a branch or tag, deleted ones too) or of all refs, newest first',
  spec: (cmd) => cmd.option('-n, --max-count <n>', 'show at most n entries', positiveInteger),
  json: 'one JSON object per entry',
  repository: true,
  async run(repo, { args, opts }) {
    const { readRefLog } = await import('../../api/repository/index.js');
    const ref = args[0] as string | undefined;
    return new Records(
      await readRefLog(repo, {
        ...(ref !== undefined ? { ref } : {}),
        ...(opts.maxCount !== undefined ? { limit: opts.maxCount } : {}),
      }),
    );
  },
  render: (entries) => entries.map(refLogLine),
});

export const BRANCH_COMMANDS: readonly AnyCliCommand[] = [
  listCommand('branch'),
  branchCreate,
  branchDelete,
];
export const TAG_COMMANDS: readonly AnyCliCommand[] = [listCommand('tag'), tagCreate, tagDelete];

export function registerRefCommands(program: Command, ctx: CliContext): void {
  const branch = program.command('branch').description('list, create or delete branches');
  registerTable(branch, ctx, BRANCH_COMMANDS);
  const tag = program.command('tag').description('list or create tags (tags never move)');
  registerTable(tag, ctx, TAG_COMMANDS);
  registerTable(program, ctx, [reflog]);
}

const short = (id: string | null): string => (id === null ? '-'.repeat(12) : id.slice(0, 12));

/** `TIME REF FROM..TO OPERATION by AUTHOR: MESSAGE`. */
function refLogLine(e: RefLogEntry): string {
  const who = e.author ? ` by ${e.author}` : '';
  const why = e.message ? `: ${e.message}` : '';
  return `${e.time}  ${e.ref}  ${short(e.from)}..${short(e.to)}  ${e.operation}${who}${why}`;
}
