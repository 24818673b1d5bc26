/**
 * `verso init`, `verso verify`, `verso gc`, `verso recover` (layer: cli), as command-table
 * entries. `init` and `recover` find their folder themselves (there may be no repository yet,
 * or no readable catalog).
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { InitResult } from '../../api/repository/index.js';
import type { GcResult, VerifyResult } from '../../api/maintenance/index.js';
import { VersoError } from '../../core/errors.js';
import { defineCommand, registerTable, type AnyCliCommand } from '../command-table.js';
import type { CliContext } from '../context.js';
import { recover } from './recover-command.js';
import { repositoryOptions } from '../environment.js';

const init = defineCommand<
  { blobStore?: string; catalog?: string; store?: string; attach?: boolean },
  InitResult
>({
  name: 'init [dir]',
  description: 'create a repository (branch main at an empty root commit)',
  spec: (cmd) =>
    cmd
      .option(
        '--blob-store <dir>',
        'keep image blobs in DIR (outside the repository; repositories sharing it store each image once)',
      )
      .option(
        '--catalog <url>',
        'keep refs, commits and the rest of the catalog in PostgreSQL: postgres://USER@HOST:PORT/DB[?schema=NAME] (the password comes from PGPASSWORD or ~/.pgpass; one given here is used once, never recorded); needs --store',
      )
      .option(
        '--store <url>',
        'keep chunks and images in an S3 bucket: s3://BUCKET/PREFIX (credentials, region and endpoint from the AWS SDK environment: AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_S3, AWS_S3_FORCE_PATH_STYLE=true, ...); needs --catalog',
      )
      .option(
        '--attach',
        'with --catalog and --store: use the repository already there from DIR (another server or machine made it); nothing is written to the backends',
      ),
  repository: false,
  async run({ args, opts }, rc) {
    const { initRepository } = await import('../../api/repository/index.js');
    // DIR and --blob-store come resolved (path operands); --repo and VERSO_REPO do not.
    const dir = (args[0] as string | undefined) ?? rc.globals.repo ?? rc.env.repo ?? '.';
    return initRepository(resolve(rc.cwd, dir), {
      ...repositoryOptions(rc.env),
      ...(opts.blobStore === undefined ? {} : { blobStore: opts.blobStore }),
      ...(opts.catalog === undefined ? {} : { catalog: opts.catalog }),
      ...(opts.store === undefined ? {} : { store: opts.store }),
      ...(opts.attach ? { attach: true } : {}),
    });
  },
  render: (r) => [
    r.attached
      ? `Attached ${r.root}/.verso to the Verso repository in ${r.catalog} + ${r.store} (branch ${r.branch} at ${r.commit.slice(0, 12)})`
      : `Initialized empty Verso repository in ${r.root}/.verso (branch ${r.branch} at ${r.commit.slice(0, 12)})`,
    ...(r.blobStore ? [`Image blobs go to ${r.blobStore}`] : []),
    ...(r.catalog && !r.attached ? [`Catalog: ${r.catalog}`, `Chunks and images: ${r.store}`] : []),
    ...(r.passwordDropped
      ? [
          'The catalog password was used for this command and not recorded: set PGPASSWORD (or ~/.pgpass) for the next ones',
        ]
      : []),
  ],
});

const verify = defineCommand<{ assets?: boolean }, VerifyResult>({
  name: 'verify [ref]',
  description:
    'recompute every hash reachable from REF (default: all refs) and check tree structure',
  spec: (cmd) =>
    cmd.option('--assets', 'also check the bytes behind every asset (blobs and referenced files)'),
  repository: true,
  progress: true,
  async run(repo, { args, opts }, rc) {
    const { verifyRepository } = await import('../../api/maintenance/index.js');
    return verifyRepository(repo, args[0] as string | undefined, rc.progress, {
      assets: !!opts.assets,
    });
  },
  render: (r) => [
    `verified ${r.chunks} chunks (${r.bytes} bytes) reachable from ${r.roots.join(', ') || 'no refs'}`,
    ...r.problems.map((p) => `problem: ${p.kind} ${p.id}: ${p.problem}`),
    ...(r.assets
      ? [
          `verified ${r.assets.assets} asset records (${r.assets.checked} distinct byte sources hashed, ${r.assets.metadataOnly} metadata-only)`,
          ...r.assets.problems.map(
            (p) =>
              `problem: asset ${p.image} (${p.ref}) ${p.storage} ${p.uri}: ${p.problem}: expected ${p.expected}, found ${p.actual ?? 'nothing'}`,
          ),
        ]
      : []),
  ],
  failure: (r) => {
    const count = r.problems.length + (r.assets?.problems.length ?? 0);
    return count > 0
      ? new VersoError('Corruption', 'VERIFY_FAILED', `verify found ${count} problem(s)`, { count })
      : undefined;
  },
});

const gc = defineCommand<unknown, GcResult>({
  name: 'gc',
  description:
    'delete chunks no ref reaches (refused while an import or apply runs; blocks them while it runs)',
  repository: true,
  progress: true,
  async run(repo, _input, rc) {
    const { collectGarbage } = await import('../../api/maintenance/index.js');
    return collectGarbage(repo, rc.progress);
  },
  render: (r) => [
    `gc: kept ${r.reachable} reachable chunks, deleted ${r.deleted}; the chunk store takes ${r.bytesAfter} bytes (${r.bytesBefore} before: an embedded store file keeps its size and reuses the freed pages, an S3 store deletes replaced packs after a grace period)`,
  ],
});

export const REPOSITORY_COMMANDS: readonly AnyCliCommand[] = [init, verify, gc, recover];

export function registerRepositoryCommands(program: Command, ctx: CliContext): void {
  registerTable(program, ctx, REPOSITORY_COMMANDS);
}
