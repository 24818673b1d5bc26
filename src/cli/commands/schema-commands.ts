/**
 * `verso schema create|show|log|diff`, `verso migrate` and `verso migrate status` (layer: cli),
 * as command-table entries. `schema log` streams records (JSON Lines).
 */
import type { Command } from 'commander';
import type {
  CreateSchemaResult,
  MigrateResult,
  MigrationStatus,
  SchemaDiffResult,
  SchemaVersionInfo,
  ShowSchemaResult,
} from '../../api/schema/index.js';
import type { SchemaClass } from '../../schema/taxonomy.js';
import {
  defineCommand,
  Records,
  registerCommand,
  registerTable,
  type AnyCliCommand,
} from '../command-table.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../usage-error.js';

const create = defineCommand<
  { from: string; parent?: string; message?: string },
  CreateSchemaResult
>({
  name: 'create <version>',
  description:
    'store a new immutable schema version from a JSON/YAML file, as a delta from its parent',
  spec: (cmd) =>
    cmd
      .requiredOption(
        '--from <file>',
        'schema file: classes and/or explicit ops (see docs/formats.md)',
      )
      .option(
        '--parent <version>',
        "parent version (default: the file's parent, else the newest version)",
      )
      .option('-m, --message <msg>', 'message'),
  repository: true,
  async run(repo, { args, opts }) {
    const { createSchemaVersion } = await import('../../api/schema/index.js');
    return createSchemaVersion(repo, {
      version: args[0] as string,
      file: opts.from,
      ...(opts.parent ? { parent: opts.parent } : {}),
      ...(opts.message ? { message: opts.message } : {}),
    });
  },
  render: (r) => [
    `created schema ${r.version} (${r.parent ? `parent ${r.parent}` : 'first version'}): ${r.classes} classes, ${r.ops.length} ops`,
  ],
});

const show = defineCommand<{ at?: string }, ShowSchemaResult>({
  name: 'show [version]',
  description: 'a schema version (default: the newest) reconstructed from its deltas',
  spec: (cmd) =>
    cmd.option('--at <date>', 'the version in force at DATE (YYYY-MM-DD = end of that day, UTC)'),
  repository: true,
  async run(repo, { args, opts }) {
    const { showSchema } = await import('../../api/schema/index.js');
    const version = args[0] as string | undefined;
    return showSchema(repo, {
      ...(version !== undefined ? { version } : {}),
      ...(opts.at !== undefined ? { at: opts.at } : {}),
    });
  },
  render: (s) => [
    `schema ${s.version}${s.parent ? ` (parent ${s.parent})` : ''}`,
    `Author: ${s.author}`,
    `Date:   ${s.createdAt}`,
    '',
    `    ${s.message}`,
    '',
    ...s.classes.map(classLine),
  ],
});

const log = defineCommand<unknown, Records<SchemaVersionInfo & { ops: number }>>({
  name: 'log',
  description: 'every schema version, newest first',
  json: 'one JSON object per version',
  repository: true,
  async run(repo) {
    const { schemaLog } = await import('../../api/schema/index.js');
    return new Records(await schemaLog(repo));
  },
  render: (log) =>
    log.map(
      (v) =>
        `${v.version.padEnd(10)} ${v.createdAt}  ${v.parent ? `parent ${v.parent}` : 'root'}, ${v.ops} ops  ${v.author}  ${v.message}`,
    ),
});

const diff = defineCommand<unknown, SchemaDiffResult>({
  name: 'diff <from> <to>',
  description: 'the ops between two schema versions',
  repository: true,
  async run(repo, { args }) {
    const { diffSchemas } = await import('../../api/schema/index.js');
    return diffSchemas(repo, args[0] as string, args[1] as string);
  },
  render: (d) => d.steps.map((s) => s.text),
});

export const SCHEMA_COMMANDS: readonly AnyCliCommand[] = [create, show, log, diff];

type MigrateFlags = {
  branch?: string;
  to?: string;
  policy?: string;
  dryRun?: boolean;
  message?: string;
};

const migrate = defineCommand<MigrateFlags, MigrateResult>({
  name: 'migrate',
  description: "move a branch's labels to a schema version (one commit); see also 'migrate status'",
  spec: (cmd) =>
    cmd
      .option('--branch <name>', 'branch to migrate')
      .option('--to <version>', 'target schema version')
      .option('--policy <file>', 'JSON/YAML: op index or op kind -> auto|review')
      .option('--dry-run', 'print the counts, write nothing')
      .option('-m, --message <msg>', 'commit message'),
  check: ({ opts }) => {
    if (!opts.branch || !opts.to)
      throw new UsageError('verso migrate needs --branch B and --to VERSION');
  },
  repository: true,
  async run(repo, { opts }) {
    const { migrateBranch } = await import('../../api/schema/index.js');
    return migrateBranch(repo, {
      branch: opts.branch!,
      to: opts.to!,
      ...(opts.policy ? { policyFile: opts.policy } : {}),
      ...(opts.dryRun ? { dryRun: true } : {}),
      ...(opts.message ? { message: opts.message } : {}),
    });
  },
  render: (r) => {
    const head = r.commit
      ? `[${r.branch} ${r.commit.commit.slice(0, 12)}]`
      : '(dry run, nothing written)';
    return [
      `${head} schema ${r.from ?? '(none)'} -> ${r.to}: ${r.labels} labels, ${r.rewritten} rewritten, ${r.marked} marked needs_review`,
      ...(r.annotations
        ? [
            `  annotators' labelings: ${r.annotations.labelings}, ${r.annotations.rewritten} rewritten, ${r.annotations.marked} hit by review ops (left as they were)`,
          ]
        : []),
      ...r.ops.map(
        (o) =>
          `  ${o.text}: ${o.policy}, ${o.labels} labels${o.annotations !== undefined ? `, ${o.annotations} annotators' labelings` : ''}`,
      ),
    ];
  },
});

// `--branch` is migrate's own option, so `status` reads it from there.
const migrateStatus = defineCommand<{ branch?: string }, MigrationStatus>({
  name: 'status',
  description: 'labels of --branch marked needs_review by a migration (takes --json)',
  inheritOptions: true,
  check: ({ opts }) => {
    if (!opts.branch) throw new UsageError('verso migrate status needs --branch B');
  },
  repository: true,
  async run(repo, { opts }) {
    const { migrationStatus } = await import('../../api/schema/index.js');
    return migrationStatus(repo, opts.branch!);
  },
  render: (s) => [
    `${s.needsReview.length} labels need review on ${s.branch} (schema ${s.schema ?? '(none)'})`,
    ...s.needsReview.map((l) => `${l.image} ${l.label}  ${l.reason ?? ''}`),
  ],
});

export function registerSchemaCommands(program: Command, ctx: CliContext): void {
  const schema = program
    .command('schema')
    .description('versioned label taxonomies (classes, attributes)');
  registerTable(schema, ctx, SCHEMA_COMMANDS);
  const migrateCmd = registerCommand(program, ctx, migrate);
  registerCommand(migrateCmd, ctx, migrateStatus);
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
