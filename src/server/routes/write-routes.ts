/**
 * Label writes over HTTP (layer: server): apply a batch of put/patch/delete ops and import a
 * labels file, each an NDJSON body (the native interchange) made into one commit on a branch,
 * authored by the caller's identity. Errors name the body's line (`request body:12`), and a bad
 * line writes nothing. Reviews an apply writes are the caller's (`review-stamp.ts`); an import
 * keeps the reviews its records carry (existing data: the reviewers are history), so importing
 * reviews needs the `review` role. An import with `annotator=NAME` is that annotator's labeling,
 * stored beside the other annotators' (`import labels --annotator`; the labels are not touched).
 */
import { Type } from 'typebox';
import {
  importAnnotatorLabels,
  importLabels,
  type ImportAnnotatorLabelsResult,
  type ImportLabelsResult,
} from '../../api/ingest/index.js';
import { HttpRefusal } from '../http-errors.js';
import { applyEdits, type WritePolicy } from '../../api/write/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { BODY_ERRORS, BranchParams, CommitResultSchema, errors, REPO_ERRORS } from '../schemas.js';
import { assertBranchWrite } from '../protected-writes.js';
import { reviewImportGuard, reviewStamper } from '../review-stamp.js';
import { NDJSON } from '../ndjson.js';
import { streamedBody } from '../streamed-body.js';
import { withUploadedFile } from '../upload.js';

const NdjsonBody = {
  description: 'NDJSON, one record a line',
  content: { 'application/x-ndjson': { schema: {} } },
};

/** The write policy both routes take in their query (docs/formats.md, "Geometry and image references"). */
const POLICY_QUERY = {
  clip: Type.Optional(Type.Boolean()),
  allow_unknown_images: Type.Optional(Type.Boolean()),
};

function policyOf(query: { clip?: boolean; allow_unknown_images?: boolean }): WritePolicy {
  return { clip: !!query.clip, allowUnknownImages: !!query.allow_unknown_images };
}

export function writeRoutes(app: VersoApp, ctx: RouteContext): void {
  app.post(
    '/branches/:branch/apply',
    {
      config: { role: 'annotate' },
      schema: {
        summary: 'apply a batch of put/patch/delete ops (NDJSON) to a branch as one commit',
        tags: ['write'],
        params: BranchParams,
        querystring: Type.Object({
          message: Type.Optional(Type.String()),
          expected_head: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                'apply only if the branch is at this commit (else 409 with the current head); without it, a batch whose keys nobody changed is rebased onto a moved head',
            }),
          ),
          base_head: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                'the commit the client read before making the batch: if the branch moved since, the batch lands only when none of its labels and reviews changed in between, else 409 WRITE_CONFLICT listing them',
            }),
          ),
          ...POLICY_QUERY,
        }),
        body: NdjsonBody,
        response: { 200: CommitResultSchema, ...errors(...REPO_ERRORS, ...BODY_ERRORS, 409, 422) },
      },
    },
    async (request) => {
      const { message, expected_head, base_head } = request.query;
      await assertBranchWrite(request, request.params.branch);
      const result = await withUploadedFile(
        request.repo,
        streamedBody(request, NDJSON),
        ctx.limits,
        (file) =>
          applyEdits(request.repo, {
            file,
            branch: request.params.branch,
            ...(message !== undefined ? { message } : {}),
            ...(expected_head !== undefined ? { expectedHead: expected_head } : {}),
            ...(base_head !== undefined ? { baseHead: base_head } : {}),
            policy: policyOf(request.query),
          }),
        { mapLine: reviewStamper(request.actor, () => request.repo.clock.now().toISOString()) },
      );
      return snakeCaseJson(result) as never;
    },
  );

  app.post(
    '/branches/:branch/import',
    {
      config: { role: 'annotate' },
      schema: {
        summary: 'import labels (NDJSON, the native interchange) into a branch as one commit',
        tags: ['write'],
        params: BranchParams,
        querystring: Type.Object({
          mode: Type.Optional(
            Type.Union([
              Type.Literal('per_image'),
              Type.Literal('replace_all'),
              Type.Literal('upsert'),
            ]),
          ),
          message: Type.Optional(Type.String()),
          annotator: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                "the body is this annotator's labeling: it replaces theirs on its images, beside the other annotators' (objects and annotations); the labels are not touched; takes no mode",
            }),
          ),
          ...POLICY_QUERY,
        }),
        body: NdjsonBody,
        response: {
          200: CommitResultSchema,
          ...errors(...REPO_ERRORS, ...BODY_ERRORS, 400, 409, 422),
        },
      },
    },
    async (request) => {
      const { mode, message, annotator } = request.query;
      if (annotator !== undefined && mode !== undefined)
        throw new HttpRefusal(
          'BAD_REQUEST',
          400,
          "annotator= replaces that annotator's labeling of the body's images: it takes no mode",
          { option: 'mode' },
        );
      const guard = reviewImportGuard(request.actor);
      await assertBranchWrite(request, request.params.branch);
      const branch = request.params.branch;
      const common = {
        branch,
        ...(message !== undefined ? { message } : {}),
        policy: policyOf(request.query),
      };
      const result = await withUploadedFile<ImportLabelsResult | ImportAnnotatorLabelsResult>(
        request.repo,
        streamedBody(request, NDJSON),
        ctx.limits,
        (file) =>
          annotator !== undefined
            ? importAnnotatorLabels(request.repo, { file, annotator, ...common })
            : importLabels(request.repo, {
                file,
                ...common,
                ...(mode !== undefined ? { mode } : {}),
              }),
        guard ? { mapLine: guard } : {},
      );
      return snakeCaseJson(result) as never;
    },
  );
}
