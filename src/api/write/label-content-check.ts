/**
 * The part of the write check that needs only the label itself (layer: api): the geometry's
 * structure (`dataset/label-geometry.ts`), then, when the snapshot has a schema version,
 * conformance to it (`schema/label-validator.ts`). Every write path runs it where it parses a
 * label (both threads of a split `import labels`, `apply`, the record sink of the format
 * importers); `label-write-check.ts` adds what needs the label's image. Small on purpose: the
 * import worker loads it.
 */
import { checkLabelGeometry } from '../../dataset/label-geometry.js';
import type { LabelContent } from '../../dataset/label-line.js';
import { makeLabelValidator, type LabelProblem } from '../../schema/label-validator.js';
import type { LabelSchema } from '../repository/schema-registry.js';

export type ContentCheck = (content: LabelContent) => LabelProblem | null;

export function makeContentCheck(schema: LabelSchema | undefined): ContentCheck {
  const validate = schema && makeLabelValidator(schema.taxonomy, schema.version);
  return validate
    ? (content) => checkLabelGeometry(content) ?? validate(content)
    : (content) => checkLabelGeometry(content);
}
