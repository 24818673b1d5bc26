/**
 * `GET /runs/ID/suspects?top=&by=` (layer: server, role `read`): a run's training examples
 * ranked by self-influence, likely label errors first, with class, annotator and review; with
 * `by=annotator` also the per-annotator aggregate. The body is `verso suspects --json`
 * (`api/lineage/suspects.ts`): its members are already snake_case.
 */
import { Type } from 'typebox';
import { rankSuspects } from '../../api/lineage/index.js';
import { errors, Hash, REPO_ERRORS } from '../schemas.js';
import type { VersoApp } from '../server-types.js';
import { Nullable, RunParams } from './lineage-schemas.js';

const Json = Type.Unknown({ description: 'as in the label or review (null when absent)' });

const SuspectSchema = Type.Object({
  rank: Type.Integer(),
  self_influence: Type.Number({ description: 'squared L2 norm of the gradient vector' }),
  image: Type.String(),
  label: Type.String(),
  class: Json,
  annotator: Json,
  annotated_at: Json,
  review_status: Json,
  reviewer: Json,
  reviewed_at: Json,
});

const AnnotatorSchema = Type.Object({
  annotator: Nullable(Type.String()),
  examples: Type.Integer({ description: 'their scored examples' }),
  mean_self_influence: Type.Number(),
  in_top: Type.Integer({ description: 'how many of the top examples are theirs' }),
  share: Type.Number({ description: 'in_top over the number of top examples' }),
});

export const SuspectsSchema = Type.Object({
  run: Type.String(),
  commit: Hash,
  scored: Type.Integer({ description: 'examples with a vector' }),
  unscored: Type.Integer({ description: "the run's examples without a vector" }),
  top: Type.Integer(),
  examples: Type.Array(SuspectSchema, { description: 'highest self-influence first' }),
  annotators: Type.Optional(
    Type.Array(AnnotatorSchema, { description: 'with by=annotator: most in the top first' }),
  ),
});

export function suspectsRoute(app: VersoApp): void {
  app.get(
    '/runs/:id/suspects',
    {
      config: { role: 'read' },
      schema: {
        summary:
          "a run's training examples ranked by self-influence (squared norm of their gradient vectors), likely label errors first, with class, annotator and review (as `verso suspects --json`)",
        tags: ['lineage'],
        params: RunParams,
        querystring: Type.Object({
          top: Type.Optional(Type.Integer({ minimum: 1, default: 50 })),
          by: Type.Optional(Type.Literal('annotator', { description: 'aggregate per annotator' })),
        }),
        response: { 200: SuspectsSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) =>
      (await rankSuspects(request.repo, request.params.id, {
        top: request.query.top ?? 50,
        by: request.query.by,
      })) as never,
  );
}
