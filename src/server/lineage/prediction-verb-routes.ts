/**
 * What a prediction set says about the labels, over HTTP (layer: server, issue 17): `GET
 * /disagreements` lists the approved labels a model confidently disagrees with (`verso predict
 * disagreements --json`, one JSON object: the CLI gives one), and `POST /branches/B/promote`
 * turns a set's predictions into pending draft labels on branch B in one commit, authored by
 * the caller (`verso predict promote --json`). Members are the CLI's `--json` names
 * (`api/lineage/prediction-verbs-json.ts`, shared with the CLI).
 *
 * Roles: reading needs `read`; promoting needs `annotate`, as `POST /select` and the label
 * writes (`apply`, `import`) do: the labels it writes are drafts whose review is `pending`, no
 * reviewer's decision, so `review` is not asked. A protected branch refuses it as any direct
 * commit (403 `BRANCH_PROTECTED`); a branch not at `expected_head`, or one that moves while the
 * predictions are read, refuses it (409 `REF_UPDATE_RACE`), writing nothing.
 */
import { Type } from 'typebox';
import {
  disagreementsJson,
  listDisagreements,
  promoteJson,
  promotePredictions,
} from '../../api/lineage/index.js';
import { assertBranchWrite } from '../protected-writes.js';
import { BranchParams, errors, Hash, REPO_ERRORS, RepoParams } from '../schemas.js';
import type { RouteContext, VersoApp } from '../server-types.js';

const SetQuery = Type.String({
  minLength: 1,
  description: 'a prediction set id, or a model NAME@VERSION (its newest set)',
});

const DisagreementSchema = Type.Object({
  image: Type.String(),
  label: Type.String(),
  class: Type.String({ description: "the label's class" }),
  prediction: Type.String(),
  predicted_class: Type.String(),
  score: Type.Number({ description: "the prediction's top score" }),
  iou: Type.Number(),
  annotator: Type.Unknown(),
  annotated_at: Type.Unknown(),
  reviewer: Type.Unknown(),
  reviewed_at: Type.Unknown(),
});

export function predictionVerbRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.get(
    '/disagreements',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'approved labels whose matched prediction names another class with a confident score (likely label errors), most confident first, with annotator and reviewer (as `verso predict disagreements --json`)',
        tags: ['lineage'],
        params: RepoParams,
        querystring: Type.Object({
          dataset: Type.String({
            minLength: 1,
            description: 'the dataset version whose labels are checked',
          }),
          predictions: SetQuery,
          min_score: Type.Optional(
            Type.Number({
              minimum: 0,
              maximum: 1,
              description: 'smallest top score that counts as confident (default 0.5)',
            }),
          ),
        }),
        response: {
          200: Type.Object({
            dataset: Hash,
            prediction_set: Type.String(),
            min_score: Type.Number(),
            disagreements: Type.Array(DisagreementSchema),
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const { dataset, predictions, min_score } = request.query;
      const r = await listDisagreements(request.repo, {
        dataset,
        predictions,
        minScore: min_score,
      });
      return disagreementsJson(r);
    },
  );

  app.post(
    '/branches/:branch/promote',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          "turn a prediction set's predictions (matching where) into draft labels on the branch: one commit by the caller, review pending, proposed_by the model; labels that exist and images the branch lacks are skipped and counted (as `verso predict promote --json`; needs annotate, as /select)",
        tags: ['lineage'],
        params: BranchParams,
        body: Type.Object({
          set: SetQuery,
          where: Type.Optional(
            Type.String({
              minLength: 1,
              description: 'only predictions matching (score, class, kind, attributes.X, image.*)',
            }),
          ),
          message: Type.Optional(Type.String({ description: 'the commit message' })),
          expected_head: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                'promote only if the branch is at this commit (else 409 REF_UPDATE_RACE with the current head)',
            }),
          ),
        }),
        response: {
          200: Type.Object({
            prediction_set: Type.String(),
            model: Type.String({ description: 'NAME@VERSION' }),
            branch: Type.String(),
            commit: Type.String({ description: 'the new commit, or the unchanged head' }),
            committed: Type.Boolean(),
            promoted: Type.Integer(),
            skipped_existing: Type.Integer(),
            skipped_unknown_images: Type.Integer(),
          }),
          ...errors(...REPO_ERRORS, 409, 422),
        },
      },
    },
    async (request) => {
      const { branch } = request.params;
      await assertBranchWrite(request, branch);
      const { set, where, message, expected_head } = request.body;
      const r = await promotePredictions(request.repo, {
        set,
        branch,
        where,
        message,
        expectedHead: expected_head,
      });
      return promoteJson(r);
    },
  );
}
