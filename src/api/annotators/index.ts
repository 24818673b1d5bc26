/**
 * The several-annotators feature's public verbs (layer: api): reading one annotator's labeling,
 * consensus into the labels tree, and agreement analysis. (Imports of a labeling are the ingest
 * and interchange verbs with an annotator.) docs/architecture.md, "Several annotators".
 */
export { readLabelings, readLabelingBlocks, type LabelingLine } from './read-labelings.js';
export {
  consensus,
  type ConsensusOptions,
  type ConsensusResult,
  type BelowAgreement,
} from './consensus.js';
export {
  agreement,
  AGREEMENT_GROUPINGS,
  type AgreementGrouping,
  type AgreementResult,
} from './agreement.js';
export { AnnotatorNotFoundError } from './annotator-errors.js';
export { CONSENSUS_STRATEGIES, type ConsensusStrategy } from '../../dataset/consensus-fuse.js';
