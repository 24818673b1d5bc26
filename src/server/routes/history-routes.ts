/**
 * History over HTTP (layer: server): the log (NDJSON, newest first), one commit, the diff of
 * two refs (NDJSON, one change a line, as `verso diff --json`; or its per-tree and per-class
 * counts), and blame. Member names are those of the CLI's `--json`.
 */
import { Type } from 'typebox';
import { blame, annotationBlame, trackBlame } from '../../api/blame/index.js';
import { diffDetails, diffStat, logCommits, showCommit } from '../../api/read/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { sendRecords, started } from '../ndjson.js';
import type { RouteContext, VersoApp } from '../server-types.js';
import {
  AnyObject,
  errors,
  Hash,
  ndjson,
  REPO_ERRORS,
  RepoParams,
  RefQuery,
  CommitSchema,
} from '../schemas.js';

export function historyRoutes(app: VersoApp, _ctx: RouteContext): void {
  app.get(
    '/log',
    {
      config: { role: 'read' },
      schema: {
        summary: 'commits reachable from a ref, newest first (NDJSON, one commit a line)',
        tags: ['history'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          max_count: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: ndjson('commits', CommitSchema), ...errors(...REPO_ERRORS) },
      },
    },
    async (request, reply) => {
      const { max_count } = request.query;
      const ref = request.query.ref ?? 'main';
      const entries = logCommits(request.repo, ref, max_count ?? Infinity);
      // Resolve the ref before the 200 goes out, so a bad ref is a 404, not a cut stream.
      return sendRecords(reply, await started(entries));
    },
  );

  app.get(
    '/commits/:ref',
    {
      config: { role: 'read' },
      schema: {
        summary: 'a commit, its snapshot, and record counts per tree',
        tags: ['history'],
        params: Type.Object({ repo: Type.String(), ref: Type.String() }),
        response: {
          200: Type.Object(
            {
              commit: Hash,
              snapshot: Hash,
              parents: Type.Array(Hash),
              author: Type.String(),
              time: Type.String(),
              message: Type.String(),
              schema: Type.Union([Type.String(), Type.Null()]),
              counts: AnyObject,
              categories: Type.Union([AnyObject, Type.Null()]),
              trees: AnyObject,
              operations: AnyObject,
            },
            { additionalProperties: true },
          ),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const s = await showCommit(request.repo, request.params.ref);
      return {
        commit: s.id,
        snapshot: s.snapshot,
        parents: [...s.parents],
        author: s.author,
        time: s.time,
        message: s.message,
        schema: s.schema,
        counts: s.counts,
        categories: s.categories as never,
        trees: s.trees,
        operations: s.operations as never,
      };
    },
  );

  app.get(
    '/diff',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'record-level changes between two refs (NDJSON, one change a line); stat=true: counts per tree and class',
        tags: ['history'],
        params: RepoParams,
        querystring: Type.Object({
          from: Type.String({ minLength: 1 }),
          to: Type.String({ minLength: 1 }),
          stat: Type.Optional(Type.Boolean()),
        }),
        response: {
          200: {
            description: 'the changes (NDJSON) or, with stat=true, their counts (JSON)',
            content: {
              'application/x-ndjson': { schema: AnyObject },
              'application/json': { schema: AnyObject },
            },
          },
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { from, to, stat } = request.query;
      if (stat)
        return reply
          .type('application/json')
          .send(snakeCaseJson(await diffStat(request.repo, from, to)) as never);
      const changes = diffDetails(request.repo, from, to);
      return sendRecords(reply, await started(changes));
    },
  );

  app.get(
    '/blame',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'per label of an image: the commit that introduced it, the last that changed it, its review',
        tags: ['history'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          image: Type.String({ minLength: 1 }),
          label: Type.Optional(Type.String({ minLength: 1 })),
        }),
        response: {
          200: Type.Object({ labels: Type.Array(AnyObject) }),
          ...errors(...REPO_ERRORS),
        },
      },
    },
    async (request) => {
      const { image, label } = request.query;
      const ref = request.query.ref ?? 'main';
      const labels = await blame(request.repo, { ref, image, ...(label ? { label } : {}) });
      return { labels: snakeCaseJson(labels) as never };
    },
  );

  app.get(
    '/blame/track',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'per frame range of a video track visible at the ref: the commit that last changed it (first-parent history), with the commits that introduced the track and last changed its record (as `verso blame VIDEO --track ID --json`)',
        tags: ['history'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          video: Type.String({ minLength: 1 }),
          track: Type.String({ minLength: 1 }),
        }),
        response: { 200: AnyObject, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => {
      const { video, track } = request.query;
      const ref = request.query.ref ?? 'main';
      return snakeCaseJson(await trackBlame(request.repo, { ref, video, track })) as never;
    },
  );

  app.get(
    '/blame/annotations',
    {
      config: { role: 'read' },
      schema: {
        summary:
          "per annotator's labeling of each object of an image (or of one object) at the ref: the commits that introduced and last changed it (first-parent history; as `verso blame IMAGE [OBJECT] --annotations --json`)",
        tags: ['history'],
        params: RepoParams,
        querystring: Type.Object({
          ref: RefQuery,
          image: Type.String({ minLength: 1 }),
          object: Type.Optional(Type.String({ minLength: 1 })),
        }),
        response: { 200: AnyObject, ...errors(...REPO_ERRORS) },
      },
    },
    async (request) => {
      const { image, object } = request.query;
      const q = { ref: request.query.ref ?? 'main', image };
      const found = await annotationBlame(
        request.repo,
        object === undefined ? q : { ...q, object },
      );
      return { annotations: found } as never;
    },
  );
}
