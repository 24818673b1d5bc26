/**
 * Images over HTTP (layer: server): blobs by content hash, their thumbnails, and the asset
 * records of a ref.
 *
 * - `PUT /blobs/{sha256}` (annotate): the body's bytes, streamed into the blob store, which
 *   hashes them as they arrive and stores them only if they hash to the URL's hash (else 400
 *   `BLOB_HASH_MISMATCH`, nothing stored). 201 when new, 200 when already stored (idempotent).
 * - `GET`/`HEAD /blobs/{sha256}` (read): the bytes, with the caching headers of content that
 *   never changes (`immutable-answers.ts`), a media type sniffed from the bytes, one HTTP range
 *   (`byte-range.ts`).
 * - `GET /blobs/{sha256}/url` (read): where to read the bytes: a presigned URL straight from the
 *   object store when the repository's blob store makes them (S3; valid `expires_in` seconds),
 *   else this server's `GET /blobs/{sha256}` (`direct` false), so clients (UI, Python, training
 *   jobs) read image bytes from S3 without passing them through the server, as lakeFS does.
 *   A client on the server's own machine (a loopback address) also gets `path`, the blob's
 *   immutable file when the store keeps one, to read without any request per image.
 * - `GET /blobs/{sha256}/thumbnail?size=N` (read): a WebP thumbnail, made once and cached by
 *   hash and size (`thumbnails.ts`).
 * - `GET /assets`, `GET /assets/{image}` (read): asset records as `verso asset list --json` and
 *   `verso asset show --json` print them (file name, size, type, width/height, blob hash).
 * - `POST /branches/{branch}/images` (annotate): images whose bytes were uploaded as blobs,
 *   added to a branch in one commit, through the same add path as `verso add images`.
 * The hash in a URL is checked (64 lowercase hex) before anything else: no other string reaches
 * a path.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { assertBranchWrite } from '../protected-writes.js';
import { addImageBlobs, BlobNotFoundError } from '../../api/images/index.js';
import { assetRecordJson, findAssets, listAssets, showAsset } from '../../api/read/index.js';
import { versoDir } from '../../api/repository/index.js';
import type { ChunkHash } from '../../core/hash.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { errorAnswer, HttpRefusal } from '../http-errors.js';
import { openBlob, type OpenBlob } from '../images/blob-reader.js';
import { storeUploadedBlob } from '../images/blob-upload.js';
import { contentRange, rangeOf } from '../images/byte-range.js';
import { clientHas, immutableHeaders } from '../images/immutable-answers.js';
import {
  DEFAULT_THUMBNAIL_SIZE,
  THUMBNAIL_MEDIA_TYPE,
  THUMBNAIL_SIZES,
  type ThumbnailSize,
  thumbnailPath,
  ThumbnailMaker,
} from '../images/thumbnails.js';
import { sendBlocks, started } from '../ndjson.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { CommitResultSchema, errors, Hash, ndjson, REPO_ERRORS, RepoParams } from '../schemas.js';

const BlobParams = Type.Object({ repo: Type.String(), sha256: Hash });
/** How long a presigned blob URL stays valid by default, and at most (S3 allows 7 days). */
const DEFAULT_PRESIGN_SECONDS = 15 * 60;
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;
const Bytes = (description: string, mediaType = 'application/octet-stream') => ({
  description,
  content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } },
});
const NotModified = { description: 'the client has it (If-None-Match)', type: 'null' };

/** Images one `POST /assets/lookup` may name. */
const ASSET_LOOKUP_MAX = 1000;

const AssetSchema = Type.Object(
  {
    image: Type.String(),
    file_name: Type.String(),
    width: Type.Optional(Type.Integer()),
    height: Type.Optional(Type.Integer()),
    media_type: Type.Optional(Type.String()),
    sha256: Type.Optional(Hash),
    size: Type.Optional(Type.Integer()),
    storage: Type.Optional(Type.Union([Type.Literal('blob'), Type.Literal('reference')])),
    uri: Type.Optional(Type.String()),
    orientation: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true, description: 'an asset record (extra source fields verbatim)' },
);

export function imageRoutes(app: VersoApp, ctx: RouteContext): void {
  blobRoutes(app, ctx);
  assetRoutes(app);
}

function blobRoutes(app: VersoApp, ctx: RouteContext): void {
  app.put(
    '/blobs/:sha256',
    {
      config: { role: 'annotate' },
      schema: {
        summary: 'store bytes under their SHA-256 (refused unless they hash to it)',
        tags: ['images'],
        params: BlobParams,
        // An empty schema: the body is a stream, not validated (the blob store checks its hash).
        body: {
          description: 'the bytes',
          content: { 'application/octet-stream': { schema: {} } },
        },
        response: {
          200: Type.Object({ sha256: Hash, size: Type.Integer(), created: Type.Boolean() }),
          201: Type.Object({ sha256: Hash, size: Type.Integer(), created: Type.Boolean() }),
          ...errors(...REPO_ERRORS, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? Readable.from([]);
      if (!(body instanceof Readable))
        throw new HttpRefusal(
          'UNSUPPORTED_MEDIA_TYPE',
          415,
          "send a blob's bytes as 'Content-Type: application/octet-stream'",
        );
      const declared = request.headers['content-length'];
      const uploaded = await storeUploadedBlob(
        request.repo.blobs,
        request.params.sha256 as ChunkHash,
        body,
        {
          limit: ctx.limits.upload,
          ...(declared !== undefined ? { declaredLength: Number(declared) } : {}),
        },
      );
      return reply.status(uploaded.created ? 201 : 200).send(uploaded);
    },
  );

  app.get(
    '/blobs/:sha256',
    {
      config: { role: 'read', mediaCookie: true },
      schema: {
        summary: 'the bytes of a blob (ETag = its hash, immutable, HTTP Range; HEAD too)',
        tags: ['images'],
        params: BlobParams,
        response: {
          200: Bytes(
            'the bytes (Content-Type sniffed: image/jpeg, png, webp, gif or octet-stream)',
          ),
          206: Bytes('the range asked for (Content-Range)'),
          304: NotModified,
          ...errors(...REPO_ERRORS, 416),
        },
      },
    },
    async (request, reply) => {
      const sha256 = request.params.sha256 as ChunkHash;
      const blob = await blobOrNotFound(request, sha256);
      immutableHeaders(reply, sha256);
      reply.header('accept-ranges', 'bytes');
      if (clientHas(request, sha256)) return reply.status(304).send();
      const range = rangeOf(request.headers.range, blob.size);
      reply.type(blob.mediaType);
      if (range.kind === 'unsatisfiable') {
        const refusal = new HttpRefusal(
          'RANGE_NOT_SATISFIABLE',
          416,
          `the range '${request.headers.range}' is outside the blob's ${blob.size} bytes`,
          { size: blob.size },
        );
        return (reply as FastifyReply)
          .status(416)
          .header('content-range', contentRange(range, blob.size))
          .type('application/json')
          .send(errorAnswer(refusal).body);
      }
      if (range.kind === 'partial') {
        reply.status(206).header('content-range', contentRange(range, blob.size));
        reply.header('content-length', range.end - range.start + 1);
        return sendBody(request, reply, () => blob.stream(range.start, range.end));
      }
      reply.header('content-length', blob.size);
      return sendBody(request, reply, () => blob.stream());
    },
  );

  app.get(
    '/blobs/:sha256/url',
    {
      config: { role: 'read' },
      schema: {
        summary: 'where to GET a blob: a presigned object-store URL, or this server',
        tags: ['images'],
        params: BlobParams,
        querystring: Type.Object({
          expires_in: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: MAX_PRESIGN_SECONDS,
              description: `seconds the URL stays valid (default ${DEFAULT_PRESIGN_SECONDS})`,
            }),
          ),
        }),
        response: {
          200: Type.Object({
            url: Type.String({
              description: 'absolute when direct (no token needed); else a path on this server',
            }),
            direct: Type.Boolean({ description: 'true: straight from the object store' }),
            expires_at: Type.Optional(Type.String({ description: 'when a direct URL expires' })),
            size: Type.Integer(),
            path: Type.Optional(
              Type.String({
                description:
                  'a file on the server machine holding the bytes (immutable), given only to clients on that machine (loopback): read it instead of either URL',
              }),
            ),
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const sha256 = request.params.sha256 as ChunkHash;
      const blobs = request.repo.blobs;
      const seconds = request.query.expires_in ?? DEFAULT_PRESIGN_SECONDS;
      const blob = await blobOrNotFound(request, sha256);
      const presigned = await blobs.presignedGetUrl?.(sha256, seconds);
      if (presigned)
        return {
          url: presigned,
          direct: true,
          expires_at: new Date(Date.now() + seconds * 1000).toISOString(),
          size: blob.size,
        };
      const repo = encodeURIComponent(request.params.repo);
      const path = isLoopback(request.socket.remoteAddress)
        ? await blobs.localPath(sha256)
        : undefined;
      return {
        url: `/repos/${repo}/blobs/${sha256}`,
        direct: false,
        size: blob.size,
        ...(path !== undefined ? { path } : {}),
      };
    },
  );

  const thumbnails = new ThumbnailMaker();
  app.get(
    '/blobs/:sha256/thumbnail',
    {
      config: { role: 'read', mediaCookie: true },
      schema: {
        summary: `a WebP thumbnail that fits a size x size square (sizes ${THUMBNAIL_SIZES.join(', ')}), made once and cached`,
        tags: ['images'],
        params: BlobParams,
        querystring: Type.Object({
          size: Type.Optional(
            Type.Unsafe<ThumbnailSize>({
              type: 'integer',
              enum: [...THUMBNAIL_SIZES],
              default: DEFAULT_THUMBNAIL_SIZE,
              description: 'the longest side, pixels (the image is never enlarged)',
            }),
          ),
        }),
        response: {
          200: Bytes('the thumbnail', THUMBNAIL_MEDIA_TYPE),
          304: NotModified,
          ...errors(...REPO_ERRORS, 422),
        },
      },
    },
    async (request, reply) => {
      const sha256 = request.params.sha256 as ChunkHash;
      const size = request.query.size ?? DEFAULT_THUMBNAIL_SIZE;
      const path = thumbnailPath(versoDir(request.repo.root), sha256, size);
      const thumbnail = await thumbnails.thumbnail(path, size, () =>
        blobOrNotFound(request, sha256),
      );
      immutableHeaders(reply, `${sha256}-${size}`);
      if (clientHas(request, `${sha256}-${size}`)) return reply.status(304).send();
      reply.type(THUMBNAIL_MEDIA_TYPE).header('content-length', thumbnail.size);
      return sendBody(request, reply, () => createReadStream(thumbnail.path));
    },
  );
}

function assetRoutes(app: VersoApp): void {
  app.get(
    '/assets',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'every asset record at a ref in image id order (NDJSON, as `verso asset list --json`)',
        tags: ['images'],
        params: RepoParams,
        querystring: Type.Object({ ref: Type.String({ default: 'main' }) }),
        response: { 200: ndjson('asset records', AssetSchema), ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) => {
      const pages = listAssets(request.repo, request.query.ref);
      // The ref is resolved before the 200 goes out, so a bad ref is a 404, not a cut stream.
      const read = await started(pages);
      return sendBlocks(
        reply,
        (async function* () {
          for await (const page of read) yield assetLines(page);
        })(),
      );
    },
  );

  app.get(
    '/assets/:image',
    {
      config: { role: 'read' },
      schema: {
        summary: 'the asset record of one image at a ref (blob hash, width and height)',
        tags: ['images'],
        params: Type.Object({ repo: Type.String(), image: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({ ref: Type.String({ default: 'main' }) }),
        response: { 200: AssetSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => {
      const { image } = request.params;
      const record = await showAsset(request.repo, request.query.ref, image);
      return { image, ...assetRecordJson(record) } as never;
    },
  );

  app.post(
    '/assets/lookup',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'the asset records of the named images at a ref, in image id order (images without one are left out): one request for the images a page draws',
        tags: ['images'],
        params: RepoParams,
        body: Type.Object({
          ref: Type.String({ default: 'main' }),
          images: Type.Array(Type.String({ minLength: 1 }), {
            maxItems: ASSET_LOOKUP_MAX,
            description: `image ids, at most ${ASSET_LOOKUP_MAX}`,
          }),
        }),
        response: {
          200: Type.Object({ assets: Type.Array(AssetSchema) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const { ref, images } = request.body;
      const found = await findAssets(request.repo, ref, images);
      return {
        assets: found.map(({ image, record }) => ({ image, ...assetRecordJson(record) })),
      } as never;
    },
  );

  app.post(
    '/branches/:branch/images',
    {
      config: { role: 'annotate' },
      schema: {
        summary:
          'add images whose bytes were stored with PUT /blobs/{sha256} to a branch, as one commit',
        tags: ['images'],
        params: Type.Object({ repo: Type.String(), branch: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({ message: Type.Optional(Type.String()) }),
        body: Type.Array(
          Type.Object(
            {
              image: Type.String({ minLength: 1, description: 'the image id' }),
              sha256: Hash,
              file_name: Type.Optional(
                Type.String({ minLength: 1, description: 'default: the id + the type extension' }),
              ),
            },
            { additionalProperties: false },
          ),
          { minItems: 1 },
        ),
        response: { 200: CommitResultSchema, ...errors(...REPO_ERRORS, 409, 413, 415) },
      },
    },
    async (request) => {
      const { message } = request.query;
      await assertBranchWrite(request, request.params.branch);
      const result = await addImageBlobs(request.repo, {
        branch: request.params.branch,
        images: request.body.map((b) => ({
          image: b.image,
          sha256: b.sha256,
          ...(b.file_name !== undefined ? { fileName: b.file_name } : {}),
        })),
        ...(message !== undefined ? { message } : {}),
      });
      return snakeCaseJson(result) as never;
    },
  );
}

async function blobOrNotFound(request: FastifyRequest, sha256: ChunkHash): Promise<OpenBlob> {
  const blob = await openBlob(request.repo.blobs, sha256);
  if (!blob) throw new BlobNotFoundError(sha256);
  return blob;
}

/** The body of a GET; a HEAD gets the same headers and no bytes read. */
function sendBody(
  request: FastifyRequest,
  reply: FastifyReply,
  body: () => Readable,
): FastifyReply {
  return reply.send(request.method === 'HEAD' ? Readable.from([]) : body());
}

function assetLines(
  page: readonly { image: string; record: Parameters<typeof assetRecordJson>[0] }[],
): Uint8Array {
  let block = '';
  for (const { image, record } of page)
    block += `${JSON.stringify({ image, ...assetRecordJson(record) })}\n`;
  return Buffer.from(block);
}

/** Whether a peer address is this machine (IPv4 or IPv6 loopback, or IPv4 mapped into IPv6). */
function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));
}
