/**
 * An export sent as the file itself (layer: server), for every route that exports labels
 * (`GET /export`, `GET /slices/ID/export`): COCO as one JSON file, JSONL as NDJSON, CVAT as
 * one XML file, and the folder formats (YOLO, YOLO-seg, VOC, MOT) as a tar archive of the
 * folder (`tar-writer.ts`). The
 * export is written to the repository's scratch space first (so a failed export is a JSON error,
 * not a cut stream), then streamed and removed. The response's `X-Verso-*` headers carry what
 * the CLI prints (commit, labels, images, skipped).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { EXPORT_FORMATS, type ExportResult } from '../api/interchange/index.js';
import type { Repository } from '../api/repository/index.js';
import { InvalidArgumentError } from '../core/errors.js';
import type { OperationArtifact } from './operations/operation-registry.js';
import { tarFolder } from './tar-writer.js';

/** How each format is sent: its content type and file extension. */
const SENT_AS: Readonly<Record<string, { readonly type: string; readonly ext: string }>> = {
  coco: { type: 'application/json', ext: 'json' },
  jsonl: { type: 'application/x-ndjson', ext: 'jsonl' },
  yolo: { type: 'application/x-tar', ext: 'tar' },
  'yolo-seg': { type: 'application/x-tar', ext: 'tar' },
  voc: { type: 'application/x-tar', ext: 'tar' },
  mot: { type: 'application/x-tar', ext: 'tar' },
  cvat: { type: 'application/xml', ext: 'xml' },
};
const FOLDER_FORMATS: ReadonlySet<string> = new Set(['yolo', 'yolo-seg', 'voc', 'mot']);
/** The folder formats that can carry image files. */
const IMAGE_FORMATS: ReadonlySet<string> = new Set(['yolo', 'yolo-seg', 'voc']);

export const ExportFormatQuery = Type.Union(
  EXPORT_FORMATS.map((f) => Type.Literal(f)),
  {
    description:
      'coco, jsonl and cvat (CVAT 1.1 XML) are one file; yolo, yolo-seg, voc and mot a tar of the folder',
  },
);

export const WithImagesQuery = Type.Optional(
  Type.Boolean({ description: 'folder formats: put the image files in the archive too' }),
);

export const FileResponse = {
  description:
    'the exported file: application/json (coco), application/x-ndjson (jsonl), application/xml (cvat), application/x-tar (yolo, yolo-seg, voc, mot)',
  headers: {
    'x-verso-commit': { schema: { type: 'string' }, description: 'the commit exported' },
    'x-verso-labels': { schema: { type: 'integer' }, description: 'labels written' },
  },
  content: {
    'application/json': { schema: { type: 'object', description: 'the COCO file' } },
    'application/x-ndjson': {
      schema: { type: 'object', description: 'one label record a line (the native interchange)' },
    },
    'application/xml': { schema: { type: 'string', description: 'the CVAT 1.1 XML file' } },
    'application/x-tar': { schema: { type: 'string', format: 'binary' } },
  },
};

/** What an export route asks for: the format, image files, and the export itself into `out`. */
export interface ExportRequest {
  readonly format: string;
  readonly with_images?: boolean | undefined;
  /** Writes the export to `out` (a file, or a folder for the folder formats). */
  readonly write: (out: string) => Promise<ExportResult>;
}

/** Refusals an export would make only after resolving what it exports. */
export function checkExportRequest(req: Pick<ExportRequest, 'format' | 'with_images'>): void {
  if (req.with_images && !IMAGE_FORMATS.has(req.format))
    throw new InvalidArgumentError(
      'format with images',
      req.format,
      'only the folder formats (yolo, yolo-seg, voc) carry image files in their archive',
      { option: 'with_images' },
    );
}

/** Exports, then sends the file (removed once sent, or when the client goes away). */
export async function sendExportFile(
  request: FastifyRequest,
  reply: FastifyReply,
  req: ExportRequest,
): Promise<FastifyReply> {
  checkExportRequest(req);
  // A client that leaves while the export runs: 'close' has fired by the time the export is
  // done, so the scratch copy is removed at once instead of waiting for a listener.
  let gone = false;
  reply.raw.once('close', () => (gone = true));
  const { result, artifact } = await exportToScratch(request.repo, request.repoName, req);
  if (gone) {
    await artifact.dispose();
    return reply;
  }
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

/** Exports to a new scratch file (or folder) and gives it as an artifact. */
export async function exportToScratch(
  repo: Repository,
  repoName: string,
  req: ExportRequest,
): Promise<{ result: ExportResult; artifact: OperationArtifact }> {
  const folder = FOLDER_FORMATS.has(req.format);
  const sent = SENT_AS[req.format]!;
  const out = join(repo.scratchDir(), `export-${randomUUID()}${folder ? '' : `.${sent.ext}`}`);
  const dispose = () => rm(out, { recursive: true, force: true });
  let result: ExportResult;
  try {
    result = await req.write(out);
  } catch (e) {
    await dispose();
    throw e;
  }
  const fileName = `${repoName}-${result.commit.slice(0, 12)}-${req.format}.${sent.ext}`;
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
