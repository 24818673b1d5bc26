/**
 * A server closes even when a client stops reading: a connection whose answers back up (here
 * 60 pipelined requests for the UI's script, never read) is destroyed after the close's grace
 * period instead of holding the close forever; the repository is closed after it.
 */
import { connect } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepository } from '../../src/api/repository/index.js';
import { REPO_ROOT } from '../e2e/helpers.js';
import { startTestServer } from './harness.js';

describe('server: closing with a client that does not read', () => {
  it('destroys the stuck connection after the grace period, and closes', async () => {
    const s = await startTestServer();
    const script = readdirSync(join(REPO_ROOT, 'dist/ui/assets')).find((n) => n.endsWith('.js'))!;
    const { port } = new URL(s.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.pause(); // reads nothing: the answers back up in the socket buffers
    const request = `GET /assets/${script} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
    socket.write(request.repeat(60));
    await new Promise((r) => setTimeout(r, 500));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await s.server.close(); // without the grace period, this never returns
    socket.resume(); // what was sent is read, then the connection the server destroyed ends
    await ended;
    expect(socket.destroyed).toBe(true);
    // The repository was closed: another process-level open works.
    const repo = await openRepository(s.repoDir);
    await repo.close();
  }, 30_000);
});
