/**
 * Labels over HTTP (layer: server): every label at a ref as NDJSON (the native interchange, as
 * `verso cat`; optionally filtered by the `--where` language and read as another schema
 * version), and counts; and the images of a ref a page at a time with their labels
 * (`GET /images`, for the web UI's gallery: O(page), never the whole ref).
 */
import { Type } from 'typebox';
import {
  assetRecordJson,
  catLabelBlocks,
  countLabels,
  imagePage,
  listTracks,
} from '../../api/read/index.js';
import { readLabelingBlocks } from '../../api/annotators/index.js';
import { HttpRefusal } from '../http-errors.js';
import { sendBlocks, sendRecords, started } from '../ndjson.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import { errors, Hash, ndjson, REPO_ERRORS, RepoParams, RefQuery } from '../schemas.js';

export function labelRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.get(
    '/tracks',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'the video tracks at a ref, each with its class, keyframes and visible frames (NDJSON, as `verso tracks --json`); where= selects them with a track filter (track.length > 100, frame in 100..200)',
        tags: ['labels'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          video: Type.Optional(Type.String({ minLength: 1 })),
          where: Type.Optional(Type.String({ description: 'a track filter (docs/formats.md)' })),
        }),
        response: { 200: ndjson('tracks'), ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) => {
      const { video, where } = request.query;
      const listed = listTracks(request.repo, request.query.ref ?? 'main', {
        ...(video !== undefined ? { video } : {}),
        ...(where !== undefined ? { where } : {}),
      });
      return sendRecords(reply, await started(listed));
    },
  );

  app.get(
    '/labels',
    {
      config: { role: 'read' },
      schema: {
        summary: 'labels at a ref in key order (NDJSON, the native interchange: one label a line)',
        tags: ['labels'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          where: Type.Optional(
            Type.String({
              description: 'a filter expression (the filter language, docs/formats.md)',
            }),
          ),
          schema: Type.Optional(
            Type.String({ description: 'read the labels as this schema version' }),
          ),
          annotator: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                "this annotator's labeling (from the annotations), each label with the object it is (as `verso cat --annotator`); takes neither where nor schema",
            }),
          ),
        }),
        response: { 200: ndjson('labels'), ...errors(...REPO_ERRORS, 400) },
      },
    },
    async (request, reply) => {
      const { where, schema, annotator } = request.query;
      const ref = request.query.ref ?? 'main';
      if (annotator !== undefined) {
        if (where !== undefined || schema !== undefined)
          throw new HttpRefusal('BAD_REQUEST', 400, 'annotator= takes neither where nor schema', {
            option: where !== undefined ? 'where' : 'schema',
          });
        return sendBlocks(
          reply,
          await started(readLabelingBlocks(request.repo, ref, { annotator })),
        );
      }
      // On the request's thread, not cat's worker threads: a client decoding the stream needs
      // the cores more (1M labels on 2 cores: 333k/s raw and 164k/s into Python on one thread,
      // 151k/s and 107k/s with the workers; docs/python.md).
      const blocks = catLabelBlocks(request.repo, ref, {
        workers: false,
        ...(where !== undefined ? { where } : {}),
        ...(schema !== undefined ? { schema } : {}),
      });
      // The ref, schema and filter are checked before the first block: errors are statuses.
      return sendBlocks(reply, await started(blocks));
    },
  );

  app.get(
    '/count',
    {
      config: { role: 'read' },
      schema: {
        summary: 'number of labels at a ref, or of those matching a filter',
        tags: ['labels'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          where: Type.Optional(Type.String()),
          schema: Type.Optional(
            Type.String({ description: 'the filter reads the labels as this schema version' }),
          ),
        }),
        response: {
          200: Type.Object({
            commit: Hash,
            where: Type.Optional(Type.String()),
            labels: Type.Integer(),
          }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) =>
      countLabels(
        request.repo,
        request.query.ref ?? 'main',
        request.query.where,
        request.query.schema,
      ),
  );

  imagePageRoute(app);
}

const PAGE_LIMIT = 1000;

const ImagePageSchema = Type.Object({
  commit: Hash,
  total: Type.Optional(
    Type.Integer({ description: 'images with an asset record (unfiltered pages)' }),
  ),
  offset: Type.Optional(Type.Integer({ description: "position of the page's first image" })),
  images: Type.Array(
    Type.Object({
      image: Type.String(),
      asset: Type.Optional(
        Type.Object(
          { image: Type.String(), file_name: Type.String() },
          { additionalProperties: true, description: 'the asset record, as GET /assets' },
        ),
      ),
      labels: Type.Array(
        Type.Object(
          { image: Type.String(), label: Type.String() },
          { additionalProperties: true, description: 'a label as GET /labels prints it' },
        ),
      ),
    }),
  ),
  next: Type.Optional(
    Type.String({ description: 'the `after` of the next page; absent on the last page' }),
  ),
});

function imagePageRoute(app: VersoApp): void {
  app.get(
    '/images',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'one page of the images of a ref with their labels (by position or after an image id; with a filter, the images having a matching label)',
        tags: ['labels'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          offset: Type.Optional(
            Type.Integer({
              minimum: 0,
              description: 'position of the first image (not with `after` or `where`)',
            }),
          ),
          after: Type.Optional(Type.String({ description: 'start after this image id' })),
          limit: Type.Integer({ minimum: 1, maximum: PAGE_LIMIT, default: 100 }),
          where: Type.Optional(
            Type.String({ description: 'only images with a label matching this filter' }),
          ),
          schema: Type.Optional(
            Type.String({ description: 'read the labels as this schema version' }),
          ),
        }),
        response: { 200: ImagePageSchema, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => {
      const { offset, after, limit, where, schema } = request.query;
      if (offset !== undefined && (after !== undefined || where !== undefined))
        throw new HttpRefusal(
          'BAD_REQUEST',
          400,
          `'offset' cannot be combined with ${after !== undefined ? "'after'" : "'where'"}: filtered pages follow the 'after' cursor`,
        );
      const page = await imagePage(request.repo, request.query.ref ?? 'main', {
        limit,
        ...(offset !== undefined ? { offset } : {}),
        ...(after !== undefined ? { after } : {}),
        ...(where !== undefined ? { where } : {}),
        ...(schema !== undefined ? { schema } : {}),
      });
      return {
        commit: page.commit,
        ...(page.total !== undefined ? { total: page.total } : {}),
        ...(page.offset !== undefined ? { offset: page.offset } : {}),
        images: page.images.map((i) => ({
          image: i.image,
          ...(i.asset ? { asset: { image: i.image, ...assetRecordJson(i.asset) } } : {}),
          labels: i.labels.map((l) => JSON.parse(l) as { image: string; label: string }),
        })),
        ...(page.next !== undefined ? { next: page.next } : {}),
      } as never;
    },
  );
}
