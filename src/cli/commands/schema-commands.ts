/**
 * `verso schema create|show|log|diff`, `verso migrate` and `verso migrate status` (layer: cli).
 */
import type { Command } from 'commander';
import type { SchemaClass } from '../../schema/taxonomy.js';
import { withRepository } from '../context.js';
import { printJson, printJsonLines, printLines } from '../output.js';
import { UsageError } from '../usage-error.js';

export function registerSchemaCommands(program: Command): void {
  const schema = program
    .command('schema')
    .description('versioned label taxonomies (classes, attributes)');

  schema
    .command('create <version>')
    .description(
      'store a new immutable schema version from a JSON/YAML file, as a delta from its parent',
    )
    .requiredOption(
      '--from <file>',
      'schema file: classes and/or explicit ops (see docs/formats.md)',
    )
    .option(
      '--parent <version>',
      "parent version (default: the file's parent, else the newest version)",
    )
    .option('-m, --message <msg>', 'message')
    .option('--json', 'machine-readable output')
    .action(
      async (
        version: string,
        opts: { from: string; parent?: string; message?: string; json?: boolean },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { createSchemaVersion } = await import('../../api/schema/index.js');
          const r = await createSchemaVersion(repo, {
            version,
            file: opts.from,
            ...(opts.parent ? { parent: opts.parent } : {}),
            ...(opts.message ? { message: opts.message } : {}),
          });
          if (opts.json) return printJson(r);
          return printLines([
            `created schema ${r.version} (${r.parent ? `parent ${r.parent}` : 'first version'}): ${r.classes} classes, ${r.ops.length} ops`,
          ]);
        }),
    );

  schema
    .command('show [version]')
    .description('a schema version (default: the newest) reconstructed from its deltas')
    .option('--at <date>', 'the version in force at DATE (YYYY-MM-DD = end of that day, UTC)')
    .option('--json', 'machine-readable output')
    .action(
      async (version: string | undefined, opts: { at?: string; json?: boolean }, cmd: Command) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          const { showSchema } = await import('../../api/schema/index.js');
          const s = await showSchema(repo, {
            ...(version !== undefined ? { version } : {}),
            ...(opts.at !== undefined ? { at: opts.at } : {}),
          });
          if (opts.json) return printJson(s);
          return printLines([
            `schema ${s.version}${s.parent ? ` (parent ${s.parent})` : ''}`,
            `Author: ${s.author}`,
            `Date:   ${s.createdAt}`,
            '',
            `    ${s.message}`,
            '',
            ...s.classes.map(classLine),
          ]);
        }),
    );

  schema
    .command('log')
    .description('every schema version, newest first')
    .option('--json', 'one JSON object per version')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { schemaLog } = await import('../../api/schema/index.js');
        const log = await schemaLog(repo);
        if (opts.json) return printJsonLines(log);
        return printLines(
          log.map(
            (v) =>
              `${v.version.padEnd(10)} ${v.createdAt}  ${v.parent ? `parent ${v.parent}` : 'root'}, ${v.ops} ops  ${v.author}  ${v.message}`,
          ),
        );
      }),
    );

  schema
    .command('diff <from> <to>')
    .description('the ops between two schema versions')
    .option('--json', 'machine-readable output')
    .action(async (from: string, to: string, opts: { json?: boolean }, cmd: Command) =>
      withRepository(cmd.optsWithGlobals(), async (repo) => {
        const { diffSchemas } = await import('../../api/schema/index.js');
        const d = await diffSchemas(repo, from, to);
        if (opts.json) return printJson(d);
        return printLines(d.steps.map((s) => s.text));
      }),
    );

  registerMigrateCommands(program);
}

function registerMigrateCommands(program: Command): void {
  const migrate = program
    .command('migrate')
    .description(
      "move a branch's labels to a schema version (one commit); see also 'migrate status'",
    )
    .option('--branch <name>', 'branch to migrate')
    .option('--to <version>', 'target schema version')
    .option('--policy <file>', 'JSON/YAML: op index or op kind -> auto|review')
    .option('--dry-run', 'print the counts, write nothing')
    .option('-m, --message <msg>', 'commit message')
    .option('--json', 'machine-readable output')
    .action(
      async (
        opts: {
          branch?: string;
          to?: string;
          policy?: string;
          dryRun?: boolean;
          message?: string;
          json?: boolean;
        },
        cmd: Command,
      ) =>
        withRepository(cmd.optsWithGlobals(), async (repo) => {
          if (!opts.branch || !opts.to)
            throw new UsageError('verso migrate needs --branch B and --to VERSION');
          const { migrateBranch } = await import('../../api/schema/index.js');
          const r = await migrateBranch(repo, {
            branch: opts.branch,
            to: opts.to,
            ...(opts.policy ? { policyFile: opts.policy } : {}),
            ...(opts.dryRun ? { dryRun: true } : {}),
            ...(opts.message ? { message: opts.message } : {}),
          });
          if (opts.json) return printJson(r);
          const head = r.commit
            ? `[${r.branch} ${r.commit.commit.slice(0, 12)}]`
            : '(dry run, nothing written)';
          return printLines([
            `${head} schema ${r.from ?? '(none)'} -> ${r.to}: ${r.labels} labels, ${r.rewritten} rewritten, ${r.marked} marked needs_review`,
            ...r.ops.map((o) => `  ${o.text}: ${o.policy}, ${o.labels} labels`),
          ]);
        }),
    );

  // `--branch` and `--json` are migrate's own options, so `status` reads them from there.
  migrate
    .command('status')
    .description('labels of --branch marked needs_review by a migration (takes --json)')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ repo?: string; branch?: string; json?: boolean }>();
      return withRepository(opts, async (repo) => {
        if (!opts.branch) throw new UsageError('verso migrate status needs --branch B');
        const { migrationStatus } = await import('../../api/schema/index.js');
        const s = await migrationStatus(repo, opts.branch);
        if (opts.json) return printJson(s);
        return printLines([
          `${s.needsReview.length} labels need review on ${s.branch} (schema ${s.schema ?? '(none)'})`,
          ...s.needsReview.map((l) => `${l.image} ${l.label}  ${l.reason ?? ''}`),
        ]);
      });
    });
}

function classLine(c: SchemaClass): string {
  const attrs = Object.entries(c.attributes ?? {}).map(
    ([name, a]) =>
      `${name}:${a.type === 'enum' ? a.values!.join('|') : a.type}${a.required ? '!' : ''}`,
  );
  return [
    `${String(c.id).padStart(5)} ${c.name}`,
    c.parent !== undefined ? `parent ${c.parent}` : '',
    c.keypoints ? `keypoints ${c.keypoints.length}` : '',
    attrs.length ? `attributes ${attrs.join(' ')}` : '',
    c.deprecated ? '(deprecated)' : '',
  ]
    .filter(Boolean)
    .join('  ');
}
