/**
 * `verso init`, `verso verify`, `verso gc` (layer: cli).
 */
import type { Command } from 'commander';
import { withRepository } from '../context.js';
import { printJson, printLines } from '../output.js';
import { endProgress, progressBar } from '../progress-bar.js';
import { VersoError } from '../../core/errors.js';

export function registerRepositoryCommands(program: Command): void {
  program
    .command('init [dir]')
    .description('create a repository (branch main at an empty root commit)')
    .option('--json', 'machine-readable output')
    .action(async (dir: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const { initRepository } = await import('../../api/init-repository.js');
      const globals = cmd.optsWithGlobals() as { repo?: string };
      const r = await initRepository(dir ?? globals.repo ?? process.env['VERSO_REPO'] ?? '.');
      if (opts.json) return printJson(r);
      return printLines([
        `Initialized empty Verso repository in ${r.root}/.verso (branch ${r.branch} at ${r.commit.slice(0, 12)})`,
      ]);
    });

  program
    .command('verify [ref]')
    .description(
      'recompute every hash reachable from REF (default: all refs) and check tree structure',
    )
    .option('--json', 'machine-readable output')
    .action(async (ref: string | undefined, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { verifyRepository } = await import('../../api/verify.js');
        const bar = progressBar();
        const r = await verifyRepository(repo, ref, bar);
        endProgress(bar);
        if (opts.json) await printJson(r);
        else {
          await printLines([
            `verified ${r.chunks} chunks (${r.bytes} bytes) reachable from ${r.roots.join(', ') || 'no refs'}`,
            ...r.problems.map((p) => `problem: ${p.kind} ${p.id}: ${p.problem}`),
          ]);
        }
        if (r.problems.length > 0) {
          throw new VersoError(
            'Corruption',
            'VERIFY_FAILED',
            `verify found ${r.problems.length} problem(s)`,
            { count: r.problems.length },
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
        const { collectGarbage } = await import('../../api/gc.js');
        const bar = progressBar();
        const r = await collectGarbage(repo, bar);
        endProgress(bar);
        if (opts.json) return printJson(r);
        return printLines([
          `gc: kept ${r.reachable} reachable chunks, deleted ${r.deleted} (the store file keeps its size, ${r.bytesAfter} bytes; LMDB reuses the freed pages)`,
        ]);
      }),
    );
}
