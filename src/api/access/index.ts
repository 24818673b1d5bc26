/**
 * The access feature's public verbs (layer: api): tokens and who they are (`createToken`,
 * `listTokens`, `revokeToken`, `authenticateToken`, `requireRole`), roles (`roleAllows`), the
 * audit log (`appendAudit`, `readAudit`), branch protection (`protectBranch`,
 * `unprotectBranch`, `listBranchProtections`, `branchProtection`, `checkProtectedWrite`,
 * `assertProtectedWrite`) and the merge gates of a protected branch (`runMergeGates`,
 * `protectedMergeGate`, the hook `merge` and `commitMerge` take).
 */
export {
  createToken,
  listTokens,
  revokeToken,
  type CreateTokenOptions,
  type CreatedToken,
  type TokenInfo,
  type TokenStatus,
} from './tokens.js';
export {
  authenticateToken,
  requireRole,
  LAST_USED_RESOLUTION_MS,
  type AuthenticatedToken,
} from './authenticate.js';
export { ROLES, isRole, parseRole, roleAllows, type Role } from './roles.js';
export {
  appendAudit,
  readAudit,
  type AuditRecord,
  type AuditView,
  type ReadAuditOptions,
} from './audit.js';
export {
  assertProtectedWrite,
  branchProtection,
  checkProtectedWrite,
  listBranchProtections,
  protectBranch,
  unprotectBranch,
  type BranchProtection,
  type ProtectBranchOptions,
  type ProtectedRequirement,
  type ProtectedWrite,
  type WriteDecision,
  type WriteKind,
} from './branch-protection.js';
export {
  protectedMergeGate,
  runMergeGates,
  type GateReport,
  type MergeGateRun,
  type ProtectedMergeGateOptions,
} from './merge-gates.js';
export { GATE_CHECK_NAMES } from './gate-checks.js';
export type { GateResult } from './access-errors.js';
export type { BeforeMove, MoveCandidate } from '../write/commit-to-branch.js';
