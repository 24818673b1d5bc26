/**
 * Several annotators over HTTP (layer: server), as the CLI's verbs (`api/annotators/`): the
 * annotators' labelings fused into a branch's labels (`POST /branches/{b}/consensus`, one
 * commit, authored by the caller) and their agreement at a ref (`GET /agreement`). Importing a
 * labeling and reading one back are `POST /branches/{b}/import?annotator=` and
 * `GET /labels?annotator=` (write-routes.ts, label-routes.ts).
 */
import { Type } from 'typebox';
import {
  agreement,
  AGREEMENT_GROUPINGS,
  CONSENSUS_STRATEGIES,
  consensus,
} from '../../api/annotators/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { assertBranchWrite } from '../protected-writes.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import {
  AnyObject,
  BranchParams,
  CommitResultSchema,
  errors,
  REPO_ERRORS,
  RepoParams,
  RefQuery,
} from '../schemas.js';

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));

export function annotatorRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.post(
    '/branches/:branch/consensus',
    {
      config: { role: 'review' },
      schema: {
        summary:
          "fuse the annotators' labelings of every object into the branch's labels (one commit, as `verso consensus --json`); objects with fewer than min_agreement agreeing annotators are listed, not written",
        tags: ['annotators'],
        params: BranchParams,
        body: Type.Object({
          strategy: Type.Optional(literals(CONSENSUS_STRATEGIES)),
          min_agreement: Type.Optional(Type.Integer({ minimum: 1 })),
          message: Type.Optional(Type.String()),
        }),
        response: { 200: CommitResultSchema, ...errors(...REPO_ERRORS, 409) },
      },
    },
    async (request) => {
      const { strategy, min_agreement, message } = request.body;
      await assertBranchWrite(request, request.params.branch);
      const result = await consensus(request.repo, {
        branch: request.params.branch,
        strategy: strategy ?? 'majority',
        ...(min_agreement !== undefined ? { minAgreement: min_agreement } : {}),
        ...(message !== undefined ? { message } : {}),
      });
      return snakeCaseJson(result) as never;
    },
  );

  app.get(
    '/agreement',
    {
      config: { role: 'read' },
      schema: {
        summary:
          "inter-annotator agreement at a ref: pairwise IoU-matched F1, Cohen's kappa, mean IoU, Fleiss' kappa; with by=, per annotator, class or image (as `verso agreement --json`)",
        tags: ['annotators'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          by: Type.Optional(literals(AGREEMENT_GROUPINGS)),
        }),
        response: { 200: AnyObject, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => {
      const { by } = request.query;
      const r = await agreement(request.repo, request.query.ref ?? 'main', by ? { by } : {});
      return snakeCaseJson(r) as never;
    },
  );
}
