/**
 * `verso init`, `verso verify`, `verso gc`, `verso recover` (layer: cli).
 */
import type { Command } from 'commander';
import { repositoryOptions, withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';
import { endProgress, progressBar } from '../progress-bar.js';
import { VersoError } from '../../core/errors.js';
import { registerRecoverCommand } from './recover-command.js';

export function registerRepositoryCommands(program: Command): void {
  program
    .command('init [dir]')
    .description('create a repository (branch main at an empty root commit)')
    .option(
      '--blob-store <dir>',
      'keep image blobs in DIR (outside the repository; repositories sharing it store each image once)',
    )
    .option('--json', 'machine-readable output')
    .action(
      async (
        dir: string | undefined,
        opts: { json?: boolean; blobStore?: string },
        cmd: Command,
      ) => {
        const { initRepository } = await import('../../api/repository/index.js');
        const globals = cmd.optsWithGlobals() as { repo?: string };
        const r = await initRepository(dir ?? globals.repo ?? process.env['VERSO_REPO'] ?? '.', {
          ...repositoryOptions(),
          ...(opts.blobStore === undefined ? {} : { blobStore: opts.blobStore }),
        });
        if (opts.json) return printJson(r);
        return printLines([
          `Initialized empty Verso repository in ${r.root}/.verso (branch ${r.branch} at ${r.commit.slice(0, 12)})`,
          ...(r.blobStore ? [`Image blobs go to ${r.blobStore}`] : []),
        ]);
      },
    );

  program
    .command('verify [ref]')
    .description(
      'recompute every hash reachable from REF (default: all refs) and check tree structure',
    )
    .option('--assets', 'also check the bytes behind every asset (blobs and referenced files)')
    .option('--json', 'machine-readable output')
    .action(
      async (ref: string | undefined, opts: { json?: boolean; assets?: boolean }, cmd: Command) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { verifyRepository } = await import('../../api/maintenance/index.js');
          const bar = progressBar();
          const r = await verifyRepository(repo, ref, bar, { assets: !!opts.assets });
          endProgress(bar);
          if (opts.json) await printJson(r);
          else {
            await printLines([
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
            ]);
          }
          const count = r.problems.length + (r.assets?.problems.length ?? 0);
          if (count > 0) {
            throw new VersoError(
              'Corruption',
              'VERIFY_FAILED',
              `verify found ${count} problem(s)`,
              {
                count,
              },
            );
          }
        }),
    );

  program
    .command('gc')
    .description(
      'delete chunks no ref reaches (refused while an import or apply runs; blocks them while it runs)',
    )
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { collectGarbage } = await import('../../api/maintenance/index.js');
        const bar = progressBar();
        const r = await collectGarbage(repo, bar);
        endProgress(bar);
        if (opts.json) return printJson(r);
        return printLines([
          `gc: kept ${r.reachable} reachable chunks, deleted ${r.deleted} (the store file keeps its size, ${r.bytesAfter} bytes; LMDB reuses the freed pages)`,
        ]);
      }),
    );

  registerRecoverCommand(program);
}
