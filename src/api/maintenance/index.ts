/**
 * The maintenance feature's public verbs (layer: api): garbage collection, verification and
 * recovering a damaged catalog.
 */
export { collectGarbage, type GcResult } from './gc.js';
export { verifyRepository, type VerifyProblem, type VerifyResult } from './verify.js';
export { recoverRepository, type RecoverOptions, type RecoverResult } from './recover.js';
