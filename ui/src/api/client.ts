/**
 * The HTTP client of the UI (layer: ui/api): every call the pages make, each a typed function
 * over `fetch` with the session's bearer token. JSON answers are parsed; NDJSON streams are
 * read to their end and split into records. A refusal becomes an `ApiError` carrying the
 * server's stable code (`UNAUTHENTICATED`, `REF_NOT_FOUND`, ...) and message.
 *
 * Images go through `<img src={client.url(path)}>`: an `<img>` sends no Authorization header,
 * so on entering a repository the UI opens its media session (`openMediaSession`), and the
 * server's HttpOnly cookie, scoped to that repository's blobs, authorizes those reads; the
 * browser fetches, caches (the server marks blobs and thumbnails immutable) and decodes them
 * off the page's main thread.
 */
import type {
  Asset,
  BlameAnswer,
  Change,
  Commit,
  CommitDetails,
  CommitResult,
  ConflictChoice,
  CountAnswer,
  DiffStat,
  ImagePageAnswer,
  Explanation,
  Label,
  LineageUp,
  MigrationPreview,
  PendingMerge,
  Prediction,
  QueryPlan,
  Ref,
  RepositoryList,
  SchemaDiff,
  SchemaLogEntry,
  SchemaVersion,
  ThumbnailSize,
  Whoami,
} from './types.js';
import { takeEarlyRequest } from './early-requests.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class ApiClient {
  /** The repositories whose media cookie this client set. */
  private readonly mediaSessions = new Set<string>();

  constructor(
    private readonly token: string,
    private readonly base = '',
  ) {}

  // ------------------------------------------------------------------ repositories, refs, log

  async repositories(): Promise<RepositoryList['repositories']> {
    return (await this.json<RepositoryList>('GET', '/repos')).repositories;
  }

  whoami(repo: string): Promise<Whoami> {
    return this.json('GET', `${repoPath(repo)}/whoami`);
  }

  async refs(repo: string): Promise<readonly Ref[]> {
    return (await this.json<{ refs: Ref[] }>('GET', `${repoPath(repo)}/refs`)).refs;
  }

  log(repo: string, ref: string, maxCount: number): Promise<Commit[]> {
    return this.ndjson('GET', `${repoPath(repo)}/log${query({ ref, max_count: maxCount })}`);
  }

  commit(repo: string, ref: string): Promise<CommitDetails> {
    return this.json('GET', `${repoPath(repo)}/commits/${encodeURIComponent(ref)}`);
  }

  // ------------------------------------------------------------------ labels and images

  labels(repo: string, ref: string, where?: string, schema?: string): Promise<Label[]> {
    return this.ndjson('GET', `${repoPath(repo)}/labels${query({ ref, where, schema })}`);
  }

  count(repo: string, ref: string, where?: string, schema?: string): Promise<CountAnswer> {
    return this.json('GET', `${repoPath(repo)}/count${query({ ref, where, schema })}`);
  }

  /** How the server answers `where` at `ref` (`verso count --explain`). */
  queryPlan(repo: string, ref: string, where: string, schema?: string): Promise<QueryPlan> {
    return this.json('GET', `${repoPath(repo)}/query/explain${query({ ref, where, schema })}`);
  }

  /**
   * One page of the images of `ref` with their labels: by position (`offset`) or after an image
   * id (`after`, the only way with a filter); `next` in the answer is the following page's `after`.
   */
  imagePage(
    repo: string,
    ref: string,
    page: {
      offset?: number;
      after?: string;
      limit: number;
      where?: string;
      schema?: string;
    },
    signal?: AbortSignal,
  ): Promise<ImagePageAnswer> {
    return this.json(
      'GET',
      `${repoPath(repo)}/images${query({ ref, ...page })}`,
      undefined,
      signal,
    );
  }

  assets(repo: string, ref: string): Promise<Asset[]> {
    return this.ndjson('GET', `${repoPath(repo)}/assets${query({ ref })}`);
  }

  asset(repo: string, ref: string, image: string): Promise<Asset> {
    return this.json(
      'GET',
      `${repoPath(repo)}/assets/${encodeURIComponent(image)}${query({ ref })}`,
    );
  }

  /** The asset records of `images` (at most 1000) at `ref`; images without one are left out. */
  async findAssets(
    repo: string,
    ref: string,
    images: readonly string[],
    signal?: AbortSignal,
  ): Promise<Asset[]> {
    const answer = await this.json<{ assets: Asset[] }>(
      'POST',
      `${repoPath(repo)}/assets/lookup`,
      jsonBody({ ref, images }),
      signal,
    );
    return answer.assets;
  }

  blame(repo: string, ref: string, image: string): Promise<BlameAnswer> {
    return this.json('GET', `${repoPath(repo)}/blame${query({ ref, image })}`);
  }

  thumbnailPath(repo: string, sha256: string, size: ThumbnailSize): string {
    return `${repoPath(repo)}/blobs/${sha256}/thumbnail${query({ size })}`;
  }

  blobPath(repo: string, sha256: string): string {
    return `${repoPath(repo)}/blobs/${sha256}`;
  }

  /** The URL of a server path, for `<img src>` (blobs and thumbnails, with a media session). */
  url(path: string): string {
    return this.base + path;
  }

  /** Lets `<img>` read `repo`'s images: the server sets its media cookie for this token. */
  async openMediaSession(repo: string): Promise<void> {
    await this.send('POST', `${repoPath(repo)}/media-session`);
    this.mediaSessions.add(repo);
  }

  /** Clears the media cookies this client set (signing out); failures are ignored. */
  async closeMediaSessions(): Promise<void> {
    const repos = [...this.mediaSessions];
    this.mediaSessions.clear();
    await Promise.allSettled(
      repos.map((repo) => this.send('DELETE', `${repoPath(repo)}/media-session`)),
    );
  }

  // ------------------------------------------------------------------ history

  diff(repo: string, from: string, to: string): Promise<Change[]> {
    return this.ndjson('GET', `${repoPath(repo)}/diff${query({ from, to })}`);
  }

  diffStat(repo: string, from: string, to: string): Promise<DiffStat> {
    return this.json('GET', `${repoPath(repo)}/diff${query({ from, to, stat: true })}`);
  }

  // ------------------------------------------------------------------ writes

  /** Applies a batch of put/patch/delete ops to a branch as one commit. */
  apply(
    repo: string,
    branch: string,
    ops: readonly Record<string, unknown>[],
    message: string,
  ): Promise<CommitResult> {
    const body = ops.map((op) => JSON.stringify(op)).join('\n') + '\n';
    return this.json(
      'POST',
      `${repoPath(repo)}/branches/${encodeURIComponent(branch)}/apply${query({ message })}`,
      { body, contentType: 'application/x-ndjson' },
    );
  }

  // ------------------------------------------------------------------ schemas

  schemaLog(repo: string): Promise<SchemaLogEntry[]> {
    return this.ndjson('GET', `${repoPath(repo)}/schemas`);
  }

  schemaVersion(repo: string, version: string): Promise<SchemaVersion> {
    return this.json('GET', `${repoPath(repo)}/schemas/${encodeURIComponent(version)}`);
  }

  schemaDiff(repo: string, from: string, to: string): Promise<SchemaDiff> {
    return this.json(
      'GET',
      `${repoPath(repo)}/schemas/${encodeURIComponent(to)}/diff${query({ from })}`,
    );
  }

  /** What migrating `branch` to schema `to` would do (a dry run: counts, nothing written). */
  migrationPreview(repo: string, branch: string, to: string): Promise<MigrationPreview> {
    return this.json(
      'POST',
      `${repoPath(repo)}/branches/${encodeURIComponent(branch)}/migrate`,
      jsonBody({ to, dry_run: true }),
    );
  }

  // ------------------------------------------------------------------ lineage

  predictions(repo: string): Promise<Prediction[]> {
    return this.ndjson('GET', `${repoPath(repo)}/predictions`);
  }

  lineageUp(repo: string, prediction: string): Promise<LineageUp> {
    return this.json('GET', `${repoPath(repo)}/lineage/up/${encodeURIComponent(prediction)}`);
  }

  explain(repo: string, prediction: string, top: number): Promise<Explanation> {
    return this.json(
      'GET',
      `${repoPath(repo)}/explain/${encodeURIComponent(prediction)}${query({ top })}`,
    );
  }

  // ------------------------------------------------------------------ merges

  /** The pending merge into `branch`, or undefined when there is none. */
  async pendingMerge(repo: string, branch: string): Promise<PendingMerge | undefined> {
    try {
      return await this.json<PendingMerge>(
        'GET',
        `${repoPath(repo)}/merges/${encodeURIComponent(branch)}`,
      );
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && e.code !== 'ROUTE_NOT_FOUND')
        return undefined;
      throw e;
    }
  }

  /** Starts merging `from` into `into`; a merge that stops on conflicts leaves a pending merge. */
  async startMerge(repo: string, into: string, from: string): Promise<'merged' | 'conflicts'> {
    try {
      await this.json('POST', `${repoPath(repo)}/merges`, jsonBody({ into, from }));
      return 'merged';
    } catch (e) {
      if (e instanceof ApiError && e.code === 'MERGE_CONFLICT') return 'conflicts';
      throw e;
    }
  }

  resolveConflict(
    repo: string,
    branch: string,
    target: { id: string } | { all: true },
    choice: ConflictChoice,
  ): Promise<unknown> {
    return this.json(
      'POST',
      `${repoPath(repo)}/merges/${encodeURIComponent(branch)}/resolve`,
      jsonBody({ ...target, choice }),
    );
  }

  commitMerge(repo: string, branch: string): Promise<CommitResult> {
    return this.json('POST', `${repoPath(repo)}/merges/${encodeURIComponent(branch)}/commit`);
  }

  abortMerge(repo: string, branch: string): Promise<unknown> {
    return this.json('POST', `${repoPath(repo)}/merges/${encodeURIComponent(branch)}/abort`);
  }

  // ------------------------------------------------------------------ plumbing

  private async json<T>(
    method: string,
    path: string,
    body?: { body: string; contentType: string },
    signal?: AbortSignal,
  ): Promise<T> {
    return (await (await this.send(method, path, body, signal)).json()) as T;
  }

  private async ndjson<T>(method: string, path: string): Promise<T[]> {
    const text = await (await this.send(method, path)).text();
    const records: T[] = [];
    for (const line of text.split('\n'))
      if (line.trim() !== '') records.push(JSON.parse(line) as T);
    return records;
  }

  private async send(
    method: string,
    path: string,
    body?: { body: string; contentType: string },
    signal?: AbortSignal,
  ): Promise<Response> {
    const early = body || this.base ? undefined : takeEarlyRequest(this.token, method, path);
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body) headers['content-type'] = body.contentType;
    const res = await (early ??
      fetch(this.base + path, {
        method,
        headers,
        ...(body ? { body: body.body } : {}),
        ...(signal ? { signal } : {}),
      }));
    if (!res.ok) throw await errorOf(res);
    return res;
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(
      res.status,
      body.error?.code ?? 'HTTP_' + res.status,
      body.error?.message ?? res.statusText,
    );
  } catch {
    return new ApiError(res.status, 'HTTP_' + res.status, `${res.status} ${res.statusText}`);
  }
}

function jsonBody(value: unknown): { body: string; contentType: string } {
  return { body: JSON.stringify(value), contentType: 'application/json' };
}

function repoPath(repo: string): string {
  return `/repos/${encodeURIComponent(repo)}`;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
