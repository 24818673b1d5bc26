/**
 * The HTTP transport of remotes (layer: remote): a `SyncPeer` (`api/sync`) over a Verso
 * server's sync routes (`server/routes/sync-routes.ts`), with Node's global `fetch`. The remote
 * URL is a repository's (`http://host:4800/repos/NAME`); requests go to `URL/sync/...` with
 * `Authorization: Bearer TOKEN` when a token is given. Chunk batches travel as packs
 * (`application/octet-stream`), everything else as snake_case JSON.
 *
 * A refusal from the server (`{"error": {code, category, message, data}}`) is rebuilt as the `VersoError`
 * it was (`core/error-wire.ts`), so `SYNC_NON_FAST_FORWARD` with `data.current` reads the same
 * as from an in-process peer. An unreachable server, an answer that breaks off (the server died
 * mid-answer), or an answer that is not the protocol, is `RemoteFailedError` naming the URL
 * and the status.
 */
import {
  fromWireSchemaVersion,
  toWireSchemaVersion,
  type ReceivedBatch,
  type RefMove,
  type RefMoveResult,
  type SchemaVersionRecord,
  type SyncPeer,
  type SyncRef,
  type WireSchemaVersion,
} from '../api/sync/index.js';
import { fromWireError } from '../core/error-wire.js';
import { RemoteFailedError } from './remote-errors.js';

export interface HttpSyncPeerOptions {
  readonly token?: string;
  /** The fetch to use (default: the global one); tests inject one that fails mid-way. */
  readonly fetch?: typeof fetch;
  /**
   * LZ4-compress the chunk records both ways (default true): about 40% fewer bytes on the wire
   * for twice the CPU per chunk; off pays where the network is faster than JS LZ4 (loopback).
   */
  readonly compress?: boolean;
}

export class HttpSyncPeer implements SyncPeer {
  private readonly fetchFn: typeof fetch;
  readonly compressBatches: boolean;

  constructor(
    readonly url: string,
    private readonly options: HttpSyncPeerOptions = {},
  ) {
    this.fetchFn = options.fetch ?? fetch;
    this.compressBatches = options.compress !== false;
  }

  async listRefs(): Promise<SyncRef[]> {
    return ((await this.json('GET', 'refs')) as { refs: SyncRef[] }).refs;
  }

  async has(ids: readonly string[]): Promise<boolean[]> {
    return ((await this.json('POST', 'has', { ids })) as { has: boolean[] }).has;
  }

  async fetchChunks(ids: readonly string[]): Promise<Uint8Array> {
    const response = await this.request('POST', 'fetch', {
      body: JSON.stringify({ ids, ...(this.compressBatches ? {} : { compress: false }) }),
      type: 'application/json',
    });
    return new Uint8Array(await this.read(response, (r) => r.arrayBuffer()));
  }

  async pushChunks(pack: Uint8Array): Promise<ReceivedBatch> {
    const response = await this.request('POST', 'chunks', {
      body: pack,
      type: 'application/octet-stream',
    });
    return (await this.read(response, (r) => r.json())) as ReceivedBatch;
  }

  async moveRef(move: RefMove): Promise<RefMoveResult> {
    return (await this.json('POST', 'refs', {
      name: move.name,
      expected: move.expected,
      new: move.next,
      ...(move.forceWithLease ? { force_with_lease: true } : {}),
    })) as RefMoveResult;
  }

  async schemaVersions(): Promise<SchemaVersionRecord[]> {
    const { versions } = (await this.json('GET', 'schemas')) as { versions: WireSchemaVersion[] };
    return versions.map(fromWireSchemaVersion);
  }

  async addSchemaVersions(records: readonly SchemaVersionRecord[]): Promise<{ added: number }> {
    const versions = records.map(toWireSchemaVersion);
    return (await this.json('POST', 'schemas', { versions })) as { added: number };
  }

  /** `GET /repos/R/blobs/SHA256` (the server's image route); 404: the server has none. */
  async fetchBlob(sha256: string): Promise<Uint8Array | undefined> {
    const target = `${this.url}/blobs/${sha256}`;
    let response: Response;
    try {
      response = await this.fetchFn(target, { headers: this.authHeaders() });
    } catch (e) {
      throw new RemoteFailedError(this.url, `cannot reach it (${(e as Error).message})`);
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw await refusal(this.url, response);
    return new Uint8Array(await this.read(response, (r) => r.arrayBuffer()));
  }

  private authHeaders(): Record<string, string> {
    return this.options.token === undefined
      ? {}
      : { authorization: `Bearer ${this.options.token}` };
  }

  private async json(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await this.request(
      method,
      path,
      body === undefined ? {} : { body: JSON.stringify(body), type: 'application/json' },
    );
    return this.read(response, (r) => r.json());
  }

  /**
   * The body of an answer whose status arrived: a server that dies or a connection that breaks
   * while it is sent (undici's `TypeError: terminated`), or a body that is not what the route
   * sends, is `RemoteFailedError` naming the remote, never an internal error.
   */
  private async read<T>(response: Response, how: (r: Response) => Promise<T>): Promise<T> {
    try {
      return await how(response);
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new RemoteFailedError(
        this.url,
        `its answer broke off or is unreadable (${cause ?? (e as Error).message})`,
        { status: response.status },
      );
    }
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    send: { body?: string | Uint8Array; type?: string },
  ): Promise<Response> {
    const target = `${this.url}/sync/${path}`;
    const headers: Record<string, string> = this.authHeaders();
    if (send.type) headers['content-type'] = send.type;
    let response: Response;
    try {
      response = await this.fetchFn(target, {
        method,
        headers,
        ...(send.body !== undefined ? { body: send.body } : {}),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new RemoteFailedError(this.url, `cannot reach it (${cause ?? (e as Error).message})`);
    }
    if (response.ok) return response;
    throw await refusal(this.url, response);
  }
}

/** The error a non-2xx answer carries: the server's VersoError, else a RemoteFailedError. */
async function refusal(url: string, response: Response): Promise<Error> {
  const text = await response.text().catch(() => '');
  type Wire = { code?: unknown; category?: unknown; message?: unknown; data?: unknown };
  let doc: Wire | undefined;
  try {
    // The server's errors are `{"error": {...}}` (server/http-errors.ts).
    doc = (JSON.parse(text) as { error?: Wire }).error;
  } catch {
    doc = undefined;
  }
  if (doc && typeof doc.code === 'string' && typeof doc.message === 'string') {
    const error = fromWireError({
      name: 'VersoError',
      message: doc.message,
      code: doc.code as never,
      category: doc.category as never,
      data: {
        ...(typeof doc.data === 'object' && doc.data ? doc.data : {}),
        status: response.status,
      },
    });
    if (error.constructor !== Error) return error;
    return new RemoteFailedError(url, `HTTP ${response.status}: ${doc.message}`, {
      status: response.status,
      code: doc.code,
    });
  }
  return new RemoteFailedError(url, `HTTP ${response.status} ${response.statusText}`.trim(), {
    status: response.status,
  });
}
