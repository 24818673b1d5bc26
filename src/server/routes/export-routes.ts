/**
 * Exports over HTTP (layer: server): the labels of a ref in another format, as `verso export`
 * writes them, sent as the file itself: COCO as one JSON file, JSONL as NDJSON, and the folder
 * formats (YOLO, YOLO-seg, VOC) as a tar archive of the folder (`tar-writer.ts`). The export is
 * written to the repository's scratch space first (so a failed export is a JSON error, not a
 * cut stream), then streamed and removed. The response's `X-Verso-*` headers carry what the CLI
 * prints (commit, labels, images, skipped).
 *
 * `POST /export?async=true` runs the export as an operation instead; its result (the counts)
 * names `download`, where the file is served until the operation is pruned.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { EXPORT_FORMATS, exportSnapshot, type ExportResult } from '../../api/interchange/index.js';
import type { Repository } from '../../api/repository/index.js';
import { InvalidArgumentError } from '../../core/errors.js';
import {
  AsyncFlag,
  OperationStartedSchema,
  startOperation,
} from '../operations/async-operation.js';
import type { OperationArtifact, OperationRegistry } from '../operations/operation-registry.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { errors, REPO_ERRORS, RepoParams } from '../schemas.js';
import { tarFolder } from '../tar-writer.js';

/** How each format is sent: its content type and file extension. */
const SENT_AS: Readonly<Record<string, { readonly type: string; readonly ext: string }>> = {
  coco: { type: 'application/json', ext: 'json' },
  jsonl: { type: 'application/x-ndjson', ext: 'jsonl' },
  yolo: { type: 'application/x-tar', ext: 'tar' },
  'yolo-seg': { type: 'application/x-tar', ext: 'tar' },
  voc: { type: 'application/x-tar', ext: 'tar' },
};
const FOLDER_FORMATS: ReadonlySet<string> = new Set(['yolo', 'yolo-seg', 'voc']);

const ExportQuery = Type.Object({
  ref: Type.String({ default: 'main', minLength: 1 }),
  format: Type.Union(
    EXPORT_FORMATS.map((f) => Type.Literal(f)),
    { description: 'coco and jsonl are one file; yolo, yolo-seg and voc a tar of the folder' },
  ),
  where: Type.Optional(Type.String({ description: 'only labels matching this filter' })),
  schema: Type.Optional(Type.String({ description: 'read the labels as this schema version' })),
  with_images: Type.Optional(
    Type.Boolean({ description: 'folder formats: put the image files in the archive too' }),
  ),
});
type ExportQuery = Static<typeof ExportQuery>;

const FileResponse = {
  description:
    'the exported file: application/json (coco), application/x-ndjson (jsonl), application/x-tar (yolo, yolo-seg, voc)',
  headers: {
    'x-verso-commit': { schema: { type: 'string' }, description: 'the commit exported' },
    'x-verso-labels': { schema: { type: 'integer' }, description: 'labels written' },
  },
  content: {
    'application/json': { schema: { type: 'string' } },
    'application/x-ndjson': { schema: { type: 'string' } },
    'application/x-tar': { schema: { type: 'string' } },
  },
};

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
    async (request, reply) => sendExport(request, reply, request.query),
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
      if (!inBackground) return sendExport(request, reply, query);
      checkQuery(query);
      return startOperation(request, reply, operations, 'export', async (progress, id) => {
        progress({ phase: 'export', done: 0 });
        const { result, artifact } = await exportToScratch(request.repo, request.repoName, query);
        progress({ phase: 'export', done: result.labels, total: result.labels });
        const { out: _out, ...counts } = result;
        const download = `/repos/${encodeURIComponent(request.repoName)}/operations/${id}/download`;
        return { result: { ...counts, download }, artifact };
      });
    },
  );
}

async function sendExport(
  request: FastifyRequest,
  reply: FastifyReply,
  query: ExportQuery,
): Promise<FastifyReply> {
  checkQuery(query);
  const { result, artifact } = await exportToScratch(request.repo, request.repoName, query);
  // Removed when the stream ends, and when the client goes away before it started.
  reply.raw.on('close', () => void artifact.dispose());
  const body = (async function* () {
    try {
      yield* artifact.bytes();
    } finally {
      await artifact.dispose();
    }
  })();
  return reply
    .type(artifact.contentType)
    .header('content-disposition', `attachment; filename="${artifact.fileName}"`)
    .header('x-verso-commit', result.commit)
    .header('x-verso-labels', String(result.labels))
    .headers({
      ...(result.images !== undefined ? { 'x-verso-images': String(result.images) } : {}),
      ...(result.skipped !== undefined ? { 'x-verso-skipped': String(result.skipped) } : {}),
    })
    .send(Readable.from(body, { objectMode: false }));
}

/** Refusals the export verb would make only after resolving the ref. */
function checkQuery(query: ExportQuery): void {
  if (query.with_images && !FOLDER_FORMATS.has(query.format))
    throw new InvalidArgumentError(
      'format with images',
      query.format,
      'only the folder formats (yolo, yolo-seg, voc) carry image files in their archive',
      { option: 'with_images' },
    );
}

/** Exports to a new scratch file (or folder) and gives it as an artifact. */
async function exportToScratch(
  repo: Repository,
  repoName: string,
  query: ExportQuery,
): Promise<{ result: ExportResult; artifact: OperationArtifact }> {
  const folder = FOLDER_FORMATS.has(query.format);
  const sent = SENT_AS[query.format]!;
  const out = join(repo.scratchDir(), `export-${randomUUID()}${folder ? '' : `.${sent.ext}`}`);
  const dispose = () => rm(out, { recursive: true, force: true });
  let result: ExportResult;
  try {
    result = await exportSnapshot(repo, {
      ref: query.ref,
      format: query.format,
      out,
      ...(query.where !== undefined ? { where: query.where } : {}),
      ...(query.schema !== undefined ? { schema: query.schema } : {}),
      ...(query.with_images ? { withImages: true } : {}),
    });
  } catch (e) {
    await dispose();
    throw e;
  }
  const fileName = `${repoName}-${result.commit.slice(0, 12)}-${query.format}.${sent.ext}`;
  return {
    result,
    artifact: {
      contentType: sent.type,
      fileName,
      bytes: () => (folder ? tarFolder(out) : createReadStream(out)),
      dispose,
    },
  };
}
