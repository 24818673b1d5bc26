/**
 * The origin side of the sync benchmark in its own thread (layer: bench), as a server process
 * would be: opens the repository, serves it (`startServer`, a real token) on 127.0.0.1, posts its URL, and on
 * request applies an edit file to `main` (so the repository is opened by one thread only).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openRepository } from '../src/api/repository/index.js';
import { applyEdits } from '../src/api/write/index.js';
import { createToken } from '../src/api/access/index.js';
import { repositoryTokenCheck, startServer } from '../src/server/index.js';

const { root } = workerData as { root: string };
const origin = await openRepository(root);
const token = (await createToken(origin, { name: `bench-${Date.now()}`, role: 'admin' })).token;
const server = await startServer({
  source: { open: { origin } },
  port: 0,
  checkToken: repositoryTokenCheck,
});
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
parentPort!.postMessage({ url: `${server.url}/repos/origin`, token });
