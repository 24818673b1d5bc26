/**
 * A delaying, counting HTTP proxy in front of an S3-protocol server (layer: bench).
 *
 * Every request is held `delayMs` before it is forwarded unchanged (method, path, headers: the
 * SigV4 signature still holds, since the Host header the client signed is passed on), so each
 * S3 request costs one extra round trip of `delayMs`, as a remote object store would. Each is
 * logged (arrival, end of response, method, key, ranged or not), for every process that uses
 * the proxy as its endpoint (`AWS_ENDPOINT_URL_S3`): CLI processes and in-library runs alike.
 *
 * Segments: `POST /__mark/NAME` (answered here, never forwarded, never delayed) closes the
 * current segment and opens one named NAME; `segments()` returns them. A segment's round-trip
 * depth is the longest chain of requests each of which arrived after the previous one had been
 * answered: requests that had to wait on each other. Requests in flight together count once.
 * The requests a cold process makes to open the store (HEAD of the marker, the first LIST, the
 * GET of every pack index that follows it) are counted apart as its open cost.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';

export interface LoggedRequest {
  readonly method: string;
  readonly key: string;
  readonly ranged: boolean;
  readonly start: number;
  end: number;
  /** Part of opening the store (see the module header). */
  open: boolean;
}

export interface RequestTally {
  readonly get: number;
  readonly put: number;
  readonly list: number;
  readonly head: number;
  readonly delete: number;
  readonly total: number;
}

export interface SegmentSummary {
  readonly name: string;
  /** Requests of opening the store, and their depth. */
  readonly open: RequestTally;
  readonly openDepth: number;
  /** The other requests (the operation itself), and their depth. */
  readonly operation: RequestTally;
  readonly operationDepth: number;
}

export interface LatencyProxy {
  /** `http://127.0.0.1:PORT`: the endpoint clients use. */
  readonly endpoint: string;
  /** Changes the delay of requests that arrive from now on. */
  setDelay(ms: number): void;
  /** Closes the current segment and opens `name` (same as `POST /__mark/NAME`). */
  mark(name: string): void;
  /** Closed segments plus the current one, summarized; the log is kept. */
  segments(): SegmentSummary[];
  close(): Promise<void>;
}

const MARK = /^\/__mark\/([^/?]+)/;

export async function startLatencyProxy(target: string, delayMs = 0): Promise<LatencyProxy> {
  const upstream = new URL(target);
  let delay = delayMs;
  const segments: { name: string; log: LoggedRequest[] }[] = [{ name: '(start)', log: [] }];
  const mark = (name: string) => void segments.push({ name, log: [] });
  const server: Server = createServer((req, res) => {
    const marked = MARK.exec(req.url ?? '');
    if (marked) {
      mark(decodeURIComponent(marked[1]!));
      req.resume();
      res.end('ok\n');
      return;
    }
    const entry: LoggedRequest = {
      method: kindOf(req.method ?? 'GET', req.url ?? '/'),
      key: new URL(req.url ?? '/', 'http://x').pathname,
      ranged: req.headers.range !== undefined,
      start: performance.now(),
      end: Number.NaN,
      open: false,
    };
    segments.at(-1)!.log.push(entry);
    const forward = () => {
      const up = httpRequest(
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
          answer.on('end', () => void (entry.end = performance.now()));
        },
      );
      up.on('error', () => {
        entry.end = performance.now();
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(up);
    };
    if (delay > 0) setTimeout(forward, delay);
    else forward();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the proxy has no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    setDelay: (ms) => void (delay = ms),
    mark,
    segments: () =>
      segments
        .filter((s) => s.log.length > 0 || s.name !== '(start)')
        .map((s) => summarize(s.name, s.log)),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** GET of a key with `list-type=2` (or without a key) is a LIST. */
function kindOf(method: string, url: string): string {
  if (method === 'GET' && /[?&]list-type=/.test(url)) return 'LIST';
  if (method === 'POST' && /[?&]delete/.test(url)) return 'DELETE';
  return method;
}

/** Marks the open requests of `log`: the marker HEAD, the first LIST, the index GETs after it. */
function markOpen(log: readonly LoggedRequest[]): void {
  let listed = false;
  for (const r of log) {
    if (r.method === 'HEAD' && r.key.endsWith('/verso-chunks.json') && !listed) r.open = true;
    else if (r.method === 'LIST' && !listed) {
      r.open = true;
      listed = true;
    } else if (listed && r.method === 'GET' && !r.ranged && r.key.endsWith('.idx')) r.open = true;
    else if (listed) return;
  }
}

function summarize(name: string, log: readonly LoggedRequest[]): SegmentSummary {
  markOpen(log);
  const open = log.filter((r) => r.open);
  const operation = log.filter((r) => !r.open);
  return {
    name,
    open: tally(open),
    openDepth: roundTripDepth(open),
    operation: tally(operation),
    operationDepth: roundTripDepth(operation),
  };
}

function tally(log: readonly LoggedRequest[]): RequestTally {
  const n = (m: string) => log.filter((r) => r.method === m).length;
  return {
    get: n('GET'),
    put: n('PUT'),
    list: n('LIST'),
    head: n('HEAD'),
    delete: n('DELETE'),
    total: log.length,
  };
}

/**
 * The longest chain of requests in `log` each of which arrived after the one before it was
 * answered (requests that overlap in time are one level): the round trips a caller waited for
 * one after another.
 */
export function roundTripDepth(log: readonly LoggedRequest[]): number {
  const byStart = [...log].sort((a, b) => a.start - b.start);
  const byEnd = [...log].sort((a, b) => a.end - b.end);
  const depth = new Map<LoggedRequest, number>();
  let deepestEnded = 0;
  let e = 0;
  let deepest = 0;
  for (const r of byStart) {
    while (e < byEnd.length && byEnd[e]!.end <= r.start) {
      deepestEnded = Math.max(deepestEnded, depth.get(byEnd[e]!) ?? 0);
      e++;
    }
    const d = deepestEnded + 1;
    depth.set(r, d);
    deepest = Math.max(deepest, d);
  }
  return deepest;
}

/** `2 GET, 1 PUT` style. */
export function formatTally(t: RequestTally): string {
  const parts = (['get', 'put', 'list', 'head', 'delete'] as const)
    .filter((k) => t[k] > 0)
    .map((k) => `${t[k]} ${k.toUpperCase()}`);
  return parts.length > 0 ? parts.join(', ') : '0';
}
