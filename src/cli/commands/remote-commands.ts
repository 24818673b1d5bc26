/**
 * `verso remote add|remove|list`, `verso clone`, `verso fetch`, `verso pull` and `verso push`
 * (layer: cli), as command-table entries over the sync feature (`api/sync`) and the HTTP
 * transport (`remote/`). The token for a remote is `VERSO_TOKEN`, else the credentials file's
 * entry for its URL (`remote/credentials.ts`).
 */
import type { Command } from 'commander';
import type {
  CloneResult,
  FetchResult,
  PullResult,
  PushResult,
  Remote,
} from '../../api/sync/index.js';
import { choiceOption } from '../arg-parsers.js';
import {
  defineCommand,
  Records,
  registerTable,
  type AnyCliCommand,
  type RunContext,
} from '../command-table.js';
import type { CliContext } from '../context.js';
import { peerAt } from '../remote-peer.js';
import type { ProgressFn } from '../../api/repository/index.js';

const BLOBS_CHOICES = ['all', 'on-demand', 'none'] as const;

const remoteList = defineCommand<unknown, Records<Remote>>({
  name: 'list',
  isDefault: true,
  description: 'every remote and its URL',
  json: 'one JSON object per remote',
  repository: true,
  async run(repo) {
    const { listRemotes } = await import('../../api/sync/index.js');
    return new Records(await listRemotes(repo));
  },
  render: (remotes) => remotes.map((r) => `${r.name}\t${r.url}`),
});

const remoteAdd = defineCommand<unknown, Remote>({
  name: 'add <name> <url>',
  description: "a remote: another repository's URL on a Verso server (http://HOST:PORT/repos/NAME)",
  repository: true,
  async run(repo, { args }) {
    const { addRemote } = await import('../../api/sync/index.js');
    return addRemote(repo, args[0] as string, args[1] as string);
  },
  render: (r) => [`added remote ${r.name} (${r.url})`],
});

const remoteRemove = defineCommand<unknown, Remote & { trackingBranches: number }>({
  name: 'remove <name>',
  description: 'forget a remote and delete its tracking branches (NAME/BRANCH)',
  repository: true,
  async run(repo, { args }) {
    const { removeRemote } = await import('../../api/sync/index.js');
    return removeRemote(repo, args[0] as string);
  },
  render: (r) => [`removed remote ${r.name} and ${r.trackingBranches} tracking branch(es)`],
});

const clone = defineCommand<{ blobs?: (typeof BLOBS_CHOICES)[number] }, CloneResult>({
  name: 'clone <url> [dir]',
  progress: true,
  description: "a new repository with a remote's branches, tags and schemas (remote 'origin')",
  spec: (cmd) =>
    cmd.addOption(
      choiceOption(
        '--blobs <mode>',
        "image bytes: all (fetched now, from the server's /blobs/SHA256), on-demand (the default: each image fetched the first time a command reads it, then kept) or none (never fetched)",
        BLOBS_CHOICES,
      ),
    ),
  repository: false,
  async run({ args, opts }, rc) {
    const { cloneRepository } = await import('../../api/sync/index.js');
    const { repositoryOptions } = await import('../environment.js');
    const { resolve } = await import('node:path');
    const url = args[0] as string;
    const dir = (args[1] as string | undefined) ?? resolve(rc.cwd, defaultFolder(url));
    return cloneRepository(dir, await peerAt(url, rc.env), {
      ...repositoryOptions(rc.env),
      url,
      ...(opts.blobs !== undefined ? { blobs: opts.blobs } : {}),
      ...progressOf(rc),
    });
  },
  render: (r) => [
    `cloned ${r.url} into ${r.root}: ${r.localBranches.length} branch(es), ${r.tags.length} tag(s)`,
    transferLine(r),
    ...(r.blobs === 'all'
      ? [`${r.images.blobs} image(s), ${(r.images.bytes / (1 << 20)).toFixed(2)} MiB`]
      : []),
  ],
});

const fetchCommand = defineCommand<unknown, FetchResult>({
  name: 'fetch [remote]',
  progress: true,
  description: "a remote's branches as tracking branches REMOTE/BRANCH (default remote: origin)",
  repository: true,
  async run(repo, { args }, rc) {
    const { fetchFrom, getRemote } = await import('../../api/sync/index.js');
    const remote = await getRemote(repo, (args[0] as string | undefined) ?? 'origin');
    return fetchFrom(repo, await peerAt(remote.url, rc.env), {
      remote: remote.name,
      ...progressOf(rc),
    });
  },
  render: (r) => [
    ...r.updated.map((u) => `${u.name}\t${short(u.from)}..${short(u.to)}`),
    r.updated.length === 0 ? `${r.remote}: up to date` : transferLine(r),
    ...r.tagsDiffering.map((t) => `tag ${t} differs from the remote's; left as it is`),
  ],
});

const pull = defineCommand<unknown, PullResult>({
  name: 'pull [remote] [branch]',
  progress: true,
  description:
    "fetch a remote's branch and merge it into the local one (fast-forward, or a merge that stops on conflicts)",
  repository: true,
  async run(repo, { args }, rc) {
    const { getRemote, pullFrom } = await import('../../api/sync/index.js');
    const remote = await getRemote(repo, (args[0] as string | undefined) ?? 'origin');
    return pullFrom(repo, await peerAt(remote.url, rc.env), {
      remote: remote.name,
      branch: (args[1] as string | undefined) ?? 'main',
      ...progressOf(rc),
    });
  },
  render: (r) => {
    const m = r.merge;
    if (m.status === 'up-to-date') return [`already up to date (${short(m.head)})`];
    if (m.status === 'fast-forward') return [`fast-forward ${short(m.from)}..${short(m.head)}`];
    return [`merged: commit ${short(m.commit)}`];
  },
});

const push = defineCommand<{ forceWithLease?: boolean }, PushResult>({
  name: 'push [remote] [branch]',
  progress: true,
  description:
    "send a branch to a remote and move the remote's branch (refused when not a fast-forward)",
  spec: (cmd) =>
    cmd.option(
      '--force-with-lease',
      "move it anyway, if the remote's branch is still where it was at the last fetch",
    ),
  repository: true,
  async run(repo, { args, opts }, rc) {
    const { getRemote, pushTo } = await import('../../api/sync/index.js');
    const remote = await getRemote(repo, (args[0] as string | undefined) ?? 'origin');
    return pushTo(repo, await peerAt(remote.url, rc.env), {
      remote: remote.name,
      branch: (args[1] as string | undefined) ?? 'main',
      ...(opts.forceWithLease ? { forceWithLease: true } : {}),
      ...progressOf(rc),
    });
  },
  render: (r) =>
    r.status === 'up-to-date'
      ? [`${r.remote}/${r.remoteBranch}: up to date`]
      : [`${r.remote}/${r.remoteBranch}\t${short(r.from)}..${short(r.to)}`, transferLine(r)],
});

/** The folder `clone URL` makes when none is given: the URL's last path segment. */
function defaultFolder(url: string): string {
  const last = url.replace(/\/+$/, '').split('/').pop() ?? '';
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(last) ? last : 'repository';
}

const short = (id: string | null): string => (id === null ? '-'.repeat(12) : id.slice(0, 12));

function transferLine(r: { chunks: number; bytes: number; batches: number }): string {
  return `${r.chunks} chunk(s), ${(r.bytes / (1 << 20)).toFixed(2)} MiB in ${r.batches} batch(es)`;
}

export const REMOTE_COMMANDS: readonly AnyCliCommand[] = [remoteList, remoteAdd, remoteRemove];

export function registerRemoteCommands(program: Command, ctx: CliContext): void {
  const remote = program.command('remote').description('list, add or remove remotes');
  registerTable(remote, ctx, REMOTE_COMMANDS);
  registerTable(program, ctx, [clone, fetchCommand, pull, push]);
}

/** The progress bar of a transfer (`RunContext.progress`), as the sync verbs take it. */
function progressOf(rc: RunContext): { onProgress?: ProgressFn } {
  return rc.progress ? { onProgress: rc.progress } : {};
}
