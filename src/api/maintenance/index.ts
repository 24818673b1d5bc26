/**
 * The maintenance feature's verbs (layer: api): verify, gc, recover.
 */
export { verifyRepository } from './verify.js';
export type { VerifyResult } from './verify.js';
export { collectGarbage } from './gc.js';
export type { GcResult } from './gc.js';
export { recoverRepository } from './recover.js';
export type { RecoverResult } from './recover.js';
