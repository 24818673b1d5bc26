/**
 * A fault-injecting HTTP proxy in front of the test S3 server (test support): listens on
 * 127.0.0.1 and a free port, forwards every request unchanged (the Host header too, so the
 * SDK's signatures hold) and, by its current `plan`, answers some of them with a fault instead:
 *
 * - `transient`: every `every`-th request fails, but never the same request (method and URL)
 *   twice in a row, so a client that retries gets through: what S3 does under load;
 * - `down`: every request fails.
 *
 * Faults: `503` (ServiceUnavailable), `throttle` (503 SlowDown), `500` (InternalError),
 * `reset` (the connection is cut after 200 ms without an answer: a timeout as the client sees
 * it). Counts what it forwarded and what it injected.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type S3FaultKind = '503' | 'throttle' | '500' | 'reset';

export interface FaultPlan {
  mode: 'off' | 'transient' | 'down';
  kind: S3FaultKind;
  /** `transient`: fail every this many requests (default 3). */
  every?: number;
  /** Only requests of these methods fail (default: all). */
  methods?: readonly string[];
}

export interface FaultProxy {
  readonly url: string;
  plan: FaultPlan;
  readonly counts: { forwarded: number; injected: number };
  close(): Promise<void>;
}

const ANSWERS: Record<Exclude<S3FaultKind, 'reset'>, [number, string, string]> = {
  '503': [503, 'ServiceUnavailable', 'Service is unable to handle request.'],
  throttle: [503, 'SlowDown', 'Please reduce your request rate.'],
  '500': [500, 'InternalError', 'We encountered an internal error. Please try again.'],
};

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const counts = { forwarded: 0, injected: 0 };
  let seen = 0;
  const failedLast = new Set<string>();
  const proxy: FaultProxy = {
    url: '',
    plan: { mode: 'off', kind: '503' },
    counts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const shouldFail = (method: string, signature: string): boolean => {
    const { mode, every = 3, methods } = proxy.plan;
    if (mode === 'off' || (methods && !methods.includes(method))) return false;
    if (mode === 'down') return true;
    if (failedLast.delete(signature)) return false;
    if (++seen % every !== 0) return false;
    failedLast.add(signature);
    return true;
  };

  const inject = (req: IncomingMessage, res: ServerResponse, kind: S3FaultKind) => {
    counts.injected++;
    req.resume();
    if (kind === 'reset') {
      setTimeout(() => req.socket.destroy(), 200);
      return;
    }
    const [status, code, message] = ANSWERS[kind];
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/xml', connection: 'close' });
      res.end(body);
    });
  };

  const server = createServer((req, res) => {
    if (shouldFail(req.method ?? '', `${req.method} ${req.url}`))
      return inject(req, res, proxy.plan.kind);
    counts.forwarded++;
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  (proxy as { url: string }).url = `http://127.0.0.1:${port}`;
  return proxy;
}
