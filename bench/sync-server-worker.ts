/**
 * The origin side of the sync benchmark in its own thread (layer: bench), as a server process
 * would be: opens the repository, serves the sync routes on 127.0.0.1, posts its URL, and on
 * request applies an edit file to `main` (so the repository is opened by one thread only).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Fastify from 'fastify';
import { openRepository } from '../src/api/repository/index.js';
import { applyEdits } from '../src/api/write/index.js';
import { syncRoutes } from '../src/server/routes/sync-routes.js';

const { root } = workerData as { root: string };
const origin = await openRepository(root);
const server = Fastify();
await server.register(syncRoutes({ getRepository: async () => origin }));
const base = await server.listen({ host: '127.0.0.1', port: 0 });
parentPort!.on('message', (msg: { apply?: string; close?: true }) => {
  void (async () => {
    if (msg.apply !== undefined) {
      await applyEdits(origin, { file: msg.apply, branch: 'main' });
      parentPort!.postMessage({ applied: true });
    } else if (msg.close) {
      await server.close();
      await origin.close();
      parentPort!.postMessage({ closed: true });
    }
  })();
});
parentPort!.postMessage({ url: `${base}/repos/origin` });
