/** The blame feature's public verb (layer: api): which commits made each label what it is. */
export { blame, type BlameCommit, type BlameQuery, type LabelBlame } from './blame.js';
