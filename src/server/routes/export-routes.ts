/**
 * Exports over HTTP (layer: server): the labels of a ref in another format, as `verso export`
 * writes them, sent as the file itself (`export-file.ts`: one file for COCO and JSONL, a tar of
 * the folder for YOLO, YOLO-seg and VOC, with `X-Verso-*` count headers).
 *
 * `POST /export?async=true` runs the export as an operation instead; its result (the counts)
 * names `download`, where the file is served until the operation is pruned.
 */
import { Type, type Static } from 'typebox';
import { exportSnapshot } from '../../api/interchange/index.js';
import type { Repository } from '../../api/repository/index.js';
import {
  checkExportRequest,
  exportToScratch,
  ExportFormatQuery,
  type ExportRequest,
  FileResponse,
  sendExportFile,
  WithImagesQuery,
} from '../export-file.js';
import {
  AsyncFlag,
  OperationStartedSchema,
  startOperation,
} from '../operations/async-operation.js';
import type { OperationRegistry } from '../operations/operation-registry.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { errors, REPO_ERRORS, RepoParams } from '../schemas.js';

const ExportQuery = Type.Object({
  ref: Type.String({ default: 'main', minLength: 1 }),
  format: ExportFormatQuery,
  where: Type.Optional(Type.String({ description: 'only labels matching this filter' })),
  schema: Type.Optional(Type.String({ description: 'read the labels as this schema version' })),
  with_images: WithImagesQuery,
});
type ExportQuery = Static<typeof ExportQuery>;

export function exportRoutes(app: VersoApp, _ctx: RouteContext, operations: OperationRegistry) {
  app.get(
    '/export',
    {
      config: { role: 'read' },
      schema: {
        summary: 'the labels of a ref in another format, streamed as the file (as verso export)',
        tags: ['export'],
        params: RepoParams,
        querystring: ExportQuery,
        response: { 200: FileResponse, ...errors(...REPO_ERRORS, 422) },
      },
    },
    async (request, reply) =>
      sendExportFile(request, reply, refExport(request.repo, request.query)),
  );

  app.post(
    '/export',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'as GET /export; with async=true: 202 and an operation whose result names the download',
        tags: ['export'],
        params: RepoParams,
        querystring: Type.Object({ ...ExportQuery.properties, async: AsyncFlag }),
        response: {
          200: FileResponse,
          202: OperationStartedSchema,
          ...errors(...REPO_ERRORS, 422),
        },
      },
    },
    async (request, reply) => {
      const { async: inBackground, ...query } = request.query;
      const req = refExport(request.repo, query);
      if (!inBackground) return sendExportFile(request, reply, req);
      checkExportRequest(req);
      return startOperation(request, reply, operations, 'export', async (progress, id) => {
        progress({ phase: 'export', done: 0 });
        const { result, artifact } = await exportToScratch(request.repo, request.repoName, req);
        progress({ phase: 'export', done: result.labels, total: result.labels });
        const { out: _out, ...counts } = result;
        const download = `/repos/${encodeURIComponent(request.repoName)}/operations/${id}/download`;
        return { result: { ...counts, download }, artifact };
      });
    },
  );
}

/** The export of a ref the query asks for. */
function refExport(repo: Repository, query: ExportQuery): ExportRequest {
  return {
    format: query.format,
    with_images: query.with_images,
    write: (out) =>
      exportSnapshot(repo, {
        ref: query.ref,
        format: query.format,
        out,
        ...(query.where !== undefined ? { where: query.where } : {}),
        ...(query.schema !== undefined ? { schema: query.schema } : {}),
        // Only stored blobs: a reference record (which a push can bring) names a path on the
        // server, and the server must not read its own files for a client.
        ...(query.with_images ? { withImages: 'blobs-only' as const } : {}),
      }),
  };
}
