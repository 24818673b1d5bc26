/**
 * `verso token create|list|revoke`, `verso audit`, and `verso branch protect|unprotect|
 * protection` (layer: cli), as command-table entries over `api/access/`. Tokens belong to the
 * repository they are created in (`--repo`); a new token's secret is printed once, on its own
 * line (`--json`: the `token` member) and never again. The local CLI acts as an admin: these
 * commands record themselves in the audit log with the repository's identity and no token.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type {
  AuditView,
  BranchProtection,
  CreatedToken,
  TokenInfo,
} from '../../api/access/index.js';
import type { Repository } from '../../api/repository/index.js';
import type { JsonValue } from '../../core/canonical.js';
import { positiveInteger } from '../arg-parsers.js';
import { defineCommand, Records, registerTable, type AnyCliCommand } from '../command-table.js';
import type { CliContext } from '../context.js';

/** The roles, lowest first (the api's `ROLES`; a test keeps them equal). */
export const ROLE_CHOICES = ['read', 'annotate', 'review', 'admin'] as const;
export const REQUIRE_CHOICES = ['review', 'admin'] as const;
/** The shapes of `--check` (the api's `parseGateCheck` checks them again). */
const CHECK_SPEC = /^(schema-valid|no-pending-reviews|cmd:.+)$/;

function checkSpecs(value: string, previous: readonly string[] = []): string[] {
  if (!CHECK_SPEC.test(value))
    throw new InvalidArgumentError('expected schema-valid, no-pending-reviews or cmd:PATH.');
  return [...previous, value];
}

/** Records an admin command of the local CLI in the audit log. */
async function audit(
  repo: Repository,
  action: string,
  target: string,
  detail?: JsonValue,
): Promise<void> {
  const { appendAudit } = await import('../../api/access/index.js');
  await appendAudit(repo, { identity: repo.identity.author, action, target, detail });
}

const tokenCreate = defineCommand<
  { name: string; role: (typeof ROLE_CHOICES)[number]; expires?: string; identity?: string },
  CreatedToken
>({
  name: 'create',
  description: 'a new API token of this repository; its secret is printed once',
  spec: (cmd) =>
    cmd
      .requiredOption('--name <name>', 'the token name (unique among active tokens)')
      .addOption(
        new Option('--role <role>', 'what the token may do')
          .choices(ROLE_CHOICES)
          .makeOptionMandatory(),
      )
      .option(
        '--expires <when>',
        'a duration (30d, 12h, 2w), an ISO-8601 instant, or never',
        'never',
      )
      .option('--identity <who>', 'who its writes are attributed to (default: the name)'),
  json: '{name, role, identity, created_at, expires_at, token}',
  repository: true,
  async run(repo, { opts }) {
    const { createToken } = await import('../../api/access/index.js');
    const created = await createToken(repo, {
      name: opts.name,
      role: opts.role,
      identity: opts.identity,
      expires: opts.expires,
    });
    await audit(repo, 'token create', created.name, {
      role: created.role,
      identity: created.identity,
      expires_at: created.expiresAt,
    });
    return created;
  },
  render: (t) => [
    `created token ${t.name}: role ${t.role}, identity ${t.identity}, expires ${t.expiresAt ?? 'never'}`,
    t.token,
    'store it now: it is not shown again (only its hash is kept)',
  ],
});

const tokenList = defineCommand<unknown, Records<TokenInfo>>({
  name: 'list',
  isDefault: true,
  description: 'every token of this repository, revoked and expired ones too (never secrets)',
  json: 'one JSON object per token',
  repository: true,
  async run(repo) {
    const { listTokens } = await import('../../api/access/index.js');
    return new Records(await listTokens(repo));
  },
  render: (tokens) =>
    tokens.map(
      (t) =>
        `${t.name}\t${t.role}\t${t.identity}\t${t.status}\tcreated ${t.createdAt}\texpires ${t.expiresAt ?? 'never'}` +
        `${t.revokedAt ? `\trevoked ${t.revokedAt}` : ''}\tlast used ${t.lastUsedAt ?? 'never'}`,
    ),
});

const tokenRevoke = defineCommand<unknown, TokenInfo>({
  name: 'revoke <name>',
  description: 'revoke the active token NAME: it stops working at once',
  repository: true,
  async run(repo, { args }) {
    const { revokeToken } = await import('../../api/access/index.js');
    const revoked = await revokeToken(repo, args[0] as string);
    await audit(repo, 'token revoke', revoked.name);
    return revoked;
  },
  render: (t) => [`revoked token ${t.name} (${t.role}, ${t.identity}) at ${t.revokedAt}`],
});

const auditCommand = defineCommand<
  { limit?: number; since?: string; identity?: string },
  Records<AuditView>
>({
  name: 'audit',
  description: 'the audit log, newest first: who did what, when, with which token, from where',
  spec: (cmd) =>
    cmd
      .option('-n, --limit <n>', 'show at most n entries', positiveInteger)
      .option('--since <time>', 'only entries at or after this ISO-8601 instant')
      .option('--identity <who>', 'only entries of this identity'),
  json: 'one JSON object per entry',
  repository: true,
  async run(repo, { opts }) {
    const { readAudit } = await import('../../api/access/index.js');
    return new Records(
      await readAudit(repo, { limit: opts.limit, since: opts.since, identity: opts.identity }),
    );
  },
  render: (entries) =>
    entries.map((e) => {
      const via = e.tokenName ? ` (token ${e.tokenName})` : '';
      const from = e.address ? ` from ${e.address}` : '';
      const detail = e.detail === null ? '' : ` ${JSON.stringify(e.detail)}`;
      return `${e.time}  ${e.identity}${via}${from}  ${e.action} ${e.target}${detail}`;
    }),
});

const protect = defineCommand<
  { require: (typeof REQUIRE_CHOICES)[number]; check?: string[] },
  BranchProtection
>({
  name: 'protect <branch>',
  description:
    'protect a branch: it moves only by merges from a --require role token, after its --check gates pass',
  spec: (cmd) =>
    cmd
      .addOption(
        new Option('--require <role>', 'the least role a merge into it needs')
          .choices(REQUIRE_CHOICES)
          .default('review'),
      )
      .option(
        '--check <check>',
        'a gate run before a merge lands (repeatable): schema-valid, no-pending-reviews, cmd:PATH',
        checkSpecs,
      ),
  repository: true,
  async run(repo, { args, opts }) {
    const { protectBranch } = await import('../../api/access/index.js');
    const rule = await protectBranch(repo, {
      branch: args[0] as string,
      require: opts.require,
      checks: opts.check ?? [],
    });
    await audit(repo, 'branch protect', rule.branch, {
      require: rule.require,
      checks: [...rule.checks],
    });
    return rule;
  },
  render: (r) => [protectionLine(r)],
});

const unprotect = defineCommand<unknown, BranchProtection>({
  name: 'unprotect <branch>',
  description: 'remove the protection of a branch',
  repository: true,
  async run(repo, { args }) {
    const { unprotectBranch } = await import('../../api/access/index.js');
    const rule = await unprotectBranch(repo, args[0] as string);
    await audit(repo, 'branch unprotect', rule.branch);
    return rule;
  },
  render: (r) => [`branch ${r.branch} is no longer protected`],
});

const protection = defineCommand<unknown, Records<BranchProtection>>({
  name: 'protection',
  description: 'the protected branches, their required role and gates',
  json: 'one JSON object per protected branch',
  repository: true,
  async run(repo) {
    const { listBranchProtections } = await import('../../api/access/index.js');
    return new Records(await listBranchProtections(repo));
  },
  render: (rules) => rules.map(protectionLine),
});

function protectionLine(r: BranchProtection): string {
  const checks = r.checks.length > 0 ? r.checks.join(', ') : 'none';
  return `${r.branch}: merges only, by role ${r.require} or above; checks: ${checks} (set by ${r.createdBy} at ${r.createdAt})`;
}

export const TOKEN_COMMANDS: readonly AnyCliCommand[] = [tokenList, tokenCreate, tokenRevoke];
export const BRANCH_PROTECTION_COMMANDS: readonly AnyCliCommand[] = [
  protect,
  unprotect,
  protection,
];

export function registerAccessCommands(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('create, list or revoke API tokens');
  registerTable(token, ctx, TOKEN_COMMANDS);
  registerTable(program, ctx, [auditCommand]);
  const branch =
    program.commands.find((c) => c.name() === 'branch') ??
    program.command('branch').description('list, create or delete branches');
  registerTable(branch, ctx, BRANCH_PROTECTION_COMMANDS);
}
