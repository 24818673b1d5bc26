/**
 * Slices over HTTP (layer: server, issue 17): `POST /slices` saves the labels of a ref matching
 * a filter (`verso slice save`), `GET /slices/S` shows one (id, unique id prefix or unique
 * name; a selection lists its images hardest first: `slice show --json`), `GET
 * /slices/S/export` sends its labels at the slice's own commit as a file, as `GET /export` does
 * (`export-file.ts`; `slice export`), and `POST /slices/S/branch` starts a labeling branch at its
 * commit (`slice branch --json`). Members are the CLI's `--json` names
 * (`api/lineage/prediction-verbs-json.ts`).
 *
 * Roles: reading and exporting need `read`; saving a slice needs `annotate`, as `POST /select`
 * (which saves one too); branching needs `annotate`, as `POST /branches`, and a protection rule
 * naming the new branch is checked as for `POST /branches`.
 */
import { Type } from 'typebox';
import {
  branchSlice,
  exportSlice,
  saveSlice,
  showSlice,
  sliceBranchJson,
  sliceJson,
  sliceRecordJson,
} from '../../api/lineage/index.js';
import {
  ExportFormatQuery,
  FileResponse,
  sendExportFile,
  WithImagesQuery,
} from '../export-file.js';
import { assertBranchWrite } from '../protected-writes.js';
import { AnyObject, BODY_ERRORS, errors, Hash, REPO_ERRORS, RepoParams } from '../schemas.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { Nullable } from './lineage-schemas.js';

const SliceParams = Type.Object({
  repo: Type.String(),
  id: Type.String({ minLength: 1, description: 'a slice id, unique id prefix or unique name' }),
});

const SliceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  commit: Hash,
  filter: Nullable(Type.String()),
  schema: Nullable(Type.String()),
  example_count: Type.Integer({ description: 'labels (a saved slice) or images (a selection)' }),
  created_at: Type.String(),
  selection: Nullable(
    Type.Object({ prediction_set: Type.String(), strategy: Type.String(), params: AnyObject }),
  ),
});

const SelectedImageSchema = Type.Object({
  image: Type.String(),
  difficulty: Type.Number(),
  prediction: Type.String(),
  category: Type.String(),
});

export function sliceRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.post(
    '/slices',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          'save the labels of a ref matching where as a slice whose id is their content hash; the same labels again answer the stored slice (as `verso slice save --json`; needs annotate, as /select)',
        tags: ['lineage'],
        params: RepoParams,
        body: Type.Object({
          name: Type.String({ minLength: 1 }),
          dataset: Type.String({ minLength: 1, description: 'the ref (branch, tag, commit)' }),
          where: Type.Optional(Type.String({ minLength: 1 })),
          schema: Type.Optional(Type.String({ minLength: 1 })),
        }),
        response: { 200: SliceSchema, ...errors(...REPO_ERRORS, ...BODY_ERRORS, 422) },
      },
    },
    async (request) => {
      const { name, dataset, where, schema } = request.body;
      const slice = await saveSlice(request.repo, { name, dataset, where, schema });
      return sliceRecordJson(slice);
    },
  );

  app.get(
    '/slices/:id',
    {
      config: { role: 'read' },
      schema: {
        summary:
          "a slice: its commit, filter or selection, and a selection's images hardest first (as `verso slice show --json`)",
        tags: ['lineage'],
        params: SliceParams,
        response: {
          200: Type.Object({
            ...SliceSchema.properties,
            images: Type.Optional(Type.Array(SelectedImageSchema)),
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => sliceJson(await showSlice(request.repo, request.params.id)),
  );

  app.get(
    '/slices/:id/export',
    {
      config: { role: 'read' },
      schema: {
        summary:
          "a slice's labels at the slice's own commit in another format, streamed as the file as GET /export sends it (a selection: every label of its images; as `verso slice export`)",
        tags: ['lineage'],
        params: SliceParams,
        querystring: Type.Object({ format: ExportFormatQuery, with_images: WithImagesQuery }),
        response: { 200: FileResponse, ...errors(...REPO_ERRORS, 422) },
      },
    },
    async (request, reply) => {
      const { format, with_images } = request.query;
      return sendExportFile(request, reply, {
        format,
        with_images,
        write: (out) =>
          exportSlice(request.repo, {
            slice: request.params.id,
            format,
            out,
            // Only stored blobs, as GET /export: never a path on the server.
            ...(with_images ? { withImages: 'blobs-only' as const } : {}),
          }),
      });
    },
  );

  app.post(
    '/slices/:id/branch',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          "start a labeling branch at a slice's commit (as `verso slice branch --json`; needs annotate, as POST /branches)",
        tags: ['lineage'],
        params: SliceParams,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) }),
        response: {
          201: Type.Object({ slice: Type.String(), branch: Type.String(), commit: Hash }),
          ...errors(...REPO_ERRORS, ...BODY_ERRORS, 409),
        },
      },
    },
    async (request, reply) => {
      // A protection rule may name a branch before it exists: creating it is a write to it.
      await assertBranchWrite(request, request.body.name);
      const r = await branchSlice(request.repo, request.params.id, request.body.name);
      return reply.status(201).send(sliceBranchJson(r));
    },
  );
}
