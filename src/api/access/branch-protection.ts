/**
 * Branch protection (layer: api): `verso branch protect|unprotect|protection` and the check a
 * write to a branch makes, `checkProtectedWrite`.
 *
 * The rule, lakeFS-like: a protected branch moves only by merges, and only by a token whose role
 * is at least the rule's `require` (`review` by default; `admin` possible). Direct commits
 * (apply, import, add images, migrate) need `admin`: an admin could lift the protection anyway,
 * so refusing them would only make them do it, unaudited in between. Every write, protected or
 * not, needs at least `annotate`; deleting any branch needs `admin`. Gates (`merge-gates.ts`)
 * run on every merge into a protected branch, whatever the role.
 *
 * The local CLI acts with the repository's files, so as `admin`: its merges run the gates, its
 * commits are not refused.
 */
import type { BranchProtectionRecord } from '../../catalog/access-catalog.js';
import { parseRefName } from '../../core/ref-name.js';
import { BranchNotProtectedError, BranchProtectedError } from './access-errors.js';
import { parseGateCheck } from './gate-checks.js';
import { authorOf } from '../repository/identity.js';
import type { Repository } from '../repository/repository.js';
import { parseRole, roleAllows, type Role } from './roles.js';

export type ProtectedRequirement = 'review' | 'admin';

export interface ProtectBranchOptions {
  readonly branch: string;
  /** The least role a merge into the branch needs (default `review`). */
  readonly require?: ProtectedRequirement | undefined;
  /** Gate specs (`gate-checks.ts`), run in this order. */
  readonly checks?: readonly string[] | undefined;
  /** Who set the rule (default: the repository's identity). */
  readonly by?: string | undefined;
}

export type BranchProtection = BranchProtectionRecord;

export type WriteKind = 'commit' | 'merge' | 'delete';

export interface ProtectedWrite {
  readonly branch: string;
  readonly role: Role;
  readonly kind: WriteKind;
}

export type WriteDecision =
  | { readonly allowed: true; readonly protection: BranchProtection | undefined }
  | {
      readonly allowed: false;
      /** The least role that would be allowed this write. */
      readonly need: Role;
      readonly reason: string;
      readonly protection: BranchProtection | undefined;
    };

export async function protectBranch(
  repo: Repository,
  opts: ProtectBranchOptions,
): Promise<BranchProtection> {
  const branch: string = parseRefName(opts.branch, 'branch');
  const require = parseRole(opts.require ?? 'review', 'require');
  if (!roleAllows(require, 'review'))
    throw new BranchProtectedError(
      branch,
      `a rule must require 'review' or 'admin', not '${require}'`,
      {
        option: 'require',
      },
    );
  const checks = [...new Set(opts.checks ?? [])];
  for (const c of checks) parseGateCheck(c);
  const rule: BranchProtection = {
    branch,
    require,
    checks,
    createdAt: repo.clock.now().toISOString(),
    createdBy: authorOf(repo, opts.by),
  };
  await repo.catalog.access.putBranchProtection(rule);
  return rule;
}

/** Removes the branch's rule (`BRANCH_NOT_PROTECTED` when it has none); returns the old rule. */
export async function unprotectBranch(repo: Repository, branch: string): Promise<BranchProtection> {
  const rule = await repo.catalog.access.getBranchProtection(branch);
  if (!rule || !(await repo.catalog.access.deleteBranchProtection(branch)))
    throw new BranchNotProtectedError(branch);
  return rule;
}

export async function listBranchProtections(repo: Repository): Promise<BranchProtection[]> {
  return repo.catalog.access.listBranchProtections();
}

export async function branchProtection(
  repo: Repository,
  branch: string,
): Promise<BranchProtection | undefined> {
  return repo.catalog.access.getBranchProtection(branch);
}

/** Whether a write of `kind` to `branch` by a token of `role` is allowed, and if not why. */
export async function checkProtectedWrite(
  repo: Repository,
  w: ProtectedWrite,
): Promise<WriteDecision> {
  const protection = await repo.catalog.access.getBranchProtection(w.branch);
  const need = neededRole(w.kind, protection);
  if (roleAllows(w.role, need)) return { allowed: true, protection };
  const reason =
    w.kind === 'delete'
      ? `deleting a branch needs role 'admin'`
      : !protection
        ? `writing to a branch needs role '${need}'`
        : w.kind === 'merge'
          ? `merges into it need role '${need}'`
          : `direct commits to it need role 'admin'; merge a branch into it instead`;
  return { allowed: false, need, reason, protection };
}

/** `checkProtectedWrite`, throwing `BRANCH_PROTECTED` (or nothing) instead of answering. */
export async function assertProtectedWrite(repo: Repository, w: ProtectedWrite): Promise<void> {
  const d = await checkProtectedWrite(repo, w);
  if (!d.allowed)
    throw new BranchProtectedError(w.branch, d.reason, {
      kind: w.kind,
      have: w.role,
      need: d.need,
    });
}

function neededRole(kind: WriteKind, protection: BranchProtection | undefined): Role {
  if (kind === 'delete') return 'admin';
  if (!protection) return 'annotate';
  return kind === 'merge' ? protection.require : 'admin';
}
