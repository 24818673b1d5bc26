/**
 * The read feature's public verbs (layer: api): labels (`cat`, `count`), history (`log`,
 * `show`), differences between versions, assets and categories, video tracks.
 */
export { catLabelBlocks, catLabels } from './cat.js';
export { countLabels, type CountResult } from './count.js';
export {
  describeChange,
  diffDetails,
  diffRefs,
  diffStat,
  type ChangeDetail,
  type DiffEnds,
  type DiffStat,
  type RecordChange,
} from './diff.js';
export { logCommits, type LogEntry } from './log.js';
export { listTracks, type TrackListing, type TrackListOptions } from './track-list.js';
export { showCommit, type ShowResult } from './show.js';
export { findAssets, listAssets, showAsset, type AssetEntry } from './assets.js';
export { assetRecordJson } from '../../dataset/asset-record.js';
export { categoriesOf, type Category } from './categories.js';
export {
  imagePage,
  type ImagePage,
  type ImagePageEntry,
  type ImagePageOptions,
} from './image-page.js';
