/**
 * Long operations of a server (layer: server): index builds, gc, exports and merges started with
 * `?async=true` run here, after their request has been answered with 202 and the operation's id.
 * The registry keeps each operation's state (`running`, then `done` with its result or `failed`
 * with the JSON error a synchronous request would have got), its latest progress (the verbs'
 * `ProgressFn` reports: phase, done, total) and a short history of progress reports, so a client
 * that subscribes late (`GET .../operations/:id/events`) still sees what happened.
 *
 * It lives in memory, one per server: operations do not survive a restart (their effects do;
 * the repository's own crash safety covers a restart mid-operation). An operation is visible only
 * to the identity that started it, in the repository it was started in, and to admins; to
 * anyone else it does not exist (404, not 403, so ids cannot be probed).
 *
 * Finished operations are kept `keepFinishedMs` (1 hour) and at most `maxFinished` (1,000) of
 * them; pruning happens when an operation starts or is looked up, so no timer keeps the process
 * alive. An operation may own an artifact on disk (an export's file), removed with it.
 * `close()` waits for the running operations (the server closes its repositories after).
 */
import { randomUUID } from 'node:crypto';
import type { Progress, ProgressFn } from '../../api/repository/index.js';
import { snakeCaseJson } from '../../core/json-case.js';
import { errorAnswer, HttpRefusal, type ErrorBody } from '../http-errors.js';
import type { Actor } from '../request-auth.js';

export type OperationState = 'running' | 'done' | 'failed';

/** What a client sees of an operation (`GET .../operations/:id`). */
export interface OperationView {
  readonly id: string;
  readonly kind: string;
  readonly repository: string;
  readonly started_by: string;
  readonly started_at: string;
  readonly finished_at?: string;
  readonly state: OperationState;
  readonly progress: Progress | null;
  readonly result?: unknown;
  /** The HTTP status and error body the request would have got had it run synchronously. */
  readonly status?: number;
  readonly error?: ErrorBody['error'];
}

export type OperationEvent =
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'done' | 'failed'; readonly operation: OperationView };

/** A file or folder an operation produced, served by `GET .../operations/:id/download`. */
export interface OperationArtifact {
  readonly contentType: string;
  readonly fileName: string;
  /** The artifact's bytes, read afresh on each call. */
  bytes(): AsyncIterable<Uint8Array>;
  /** Removes the artifact (called when the operation is pruned or the server closes). */
  dispose(): Promise<void>;
}

/** What the work of an operation returns: the result to show, and an artifact it leaves. */
export interface OperationOutcome {
  readonly result: unknown;
  readonly artifact?: OperationArtifact;
}

export interface StartOperation {
  readonly kind: string;
  readonly repository: string;
  readonly actor: Actor;
  /** The work; `id` is the operation's own id (for URLs in its result). */
  readonly work: (progress: ProgressFn, id: string) => Promise<OperationOutcome>;
}

export interface RegistryOptions {
  readonly keepFinishedMs?: number;
  readonly maxFinished?: number;
  /** Progress reports kept for late subscribers. */
  readonly history?: number;
  /** Called with an error that is no `VersoError` (a bug). */
  readonly logInternal?: (e: unknown) => void;
  readonly now?: () => number;
}

type Listener = (e: OperationEvent) => void;

class Operation {
  state: OperationState = 'running';
  progress: Progress | null = null;
  readonly history: Progress[] = [];
  result: unknown;
  status: number | undefined;
  error: ErrorBody['error'] | undefined;
  finishedAt: number | undefined;
  artifact: OperationArtifact | undefined;
  readonly listeners = new Set<Listener>();
  settled: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly kind: string,
    readonly repository: string,
    readonly owner: string,
    readonly startedAt: number,
  ) {}

  view(): OperationView {
    return {
      id: this.id,
      kind: this.kind,
      repository: this.repository,
      started_by: this.owner,
      started_at: new Date(this.startedAt).toISOString(),
      ...(this.finishedAt !== undefined
        ? { finished_at: new Date(this.finishedAt).toISOString() }
        : {}),
      state: this.state,
      progress: this.progress,
      ...(this.state === 'done' ? { result: this.result } : {}),
      ...(this.state === 'failed' ? { status: this.status, error: this.error } : {}),
    };
  }

  emit(e: OperationEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
}

export class OperationRegistry {
  private readonly ops = new Map<string, Operation>();
  private readonly keepFinishedMs: number;
  private readonly maxFinished: number;
  private readonly historySize: number;
  private readonly now: () => number;

  constructor(private readonly opts: RegistryOptions = {}) {
    this.keepFinishedMs = opts.keepFinishedMs ?? 60 * 60_000;
    this.maxFinished = opts.maxFinished ?? 1000;
    this.historySize = opts.history ?? 64;
    this.now = opts.now ?? Date.now;
  }

  /** Starts `work` in the background; its view right away (state `running`). */
  start(s: StartOperation): OperationView {
    this.prune();
    const op = new Operation(randomUUID(), s.kind, s.repository, s.actor.identity, this.now());
    this.ops.set(op.id, op);
    const report: ProgressFn = (p) => {
      if (op.state !== 'running') return;
      const progress = { ...p };
      op.progress = progress;
      op.history.push(progress);
      if (op.history.length > this.historySize) op.history.shift();
      op.emit({ type: 'progress', progress });
    };
    op.settled = (async () => {
      try {
        const outcome = await s.work(report, op.id);
        op.result = snakeCaseJson(outcome.result);
        op.artifact = outcome.artifact;
        op.state = 'done';
      } catch (e) {
        const { status, body, internal } = errorAnswer(e);
        if (internal) this.opts.logInternal?.(e);
        op.status = status;
        op.error = body.error;
        op.state = 'failed';
      }
      op.finishedAt = this.now();
      op.emit({ type: op.state as 'done' | 'failed', operation: op.view() });
      op.listeners.clear();
    })();
    return op.view();
  }

  /** The operation `id` of `repository` as `actor` may see it, or 404. */
  find(repository: string, id: string, actor: Actor): OperationHandle {
    this.prune();
    const op = this.ops.get(id);
    if (!op || op.repository !== repository || !visibleTo(op, actor))
      throw new HttpRefusal(
        'OPERATION_NOT_FOUND',
        404,
        `no operation '${id}' in repository '${repository}' (operations are visible to the token identity that started them and to admins, for an hour after they finish)`,
        { operation: id },
      );
    return new OperationHandle(op, this.historySize);
  }

  /** The operations of `repository` that `actor` may see, newest first. */
  list(repository: string, actor: Actor): OperationView[] {
    this.prune();
    return [...this.ops.values()]
      .filter((op) => op.repository === repository && visibleTo(op, actor))
      .sort((a, b) => b.startedAt - a.startedAt)
      .map((op) => op.view());
  }

  /** Waits for the running operations and removes every artifact. */
  async close(): Promise<void> {
    await Promise.all([...this.ops.values()].map((op) => op.settled));
    const ops = [...this.ops.values()];
    this.ops.clear();
    for (const op of ops) await op.artifact?.dispose();
  }

  private prune(): void {
    const finished = [...this.ops.values()]
      .filter((op) => op.finishedAt !== undefined)
      .sort((a, b) => b.finishedAt! - a.finishedAt!);
    const cutoff = this.now() - this.keepFinishedMs;
    finished.forEach((op, i) => {
      if (i < this.maxFinished && op.finishedAt! >= cutoff) return;
      this.ops.delete(op.id);
      void op.artifact?.dispose().catch((e: unknown) => this.opts.logInternal?.(e));
    });
  }
}

/** One operation as a request sees it: its view, its artifact, and its events. */
export class OperationHandle {
  constructor(
    private readonly op: Operation,
    private readonly historySize: number,
  ) {}

  view(): OperationView {
    return this.op.view();
  }

  get artifact(): OperationArtifact | undefined {
    return this.op.state === 'done' ? this.op.artifact : undefined;
  }

  /**
   * Calls `listener` with the progress reports so far (at most the history's size), then with
   * each new one, and last with `done` or `failed`; returns the unsubscribe function.
   */
  subscribe(listener: Listener): () => void {
    for (const progress of this.op.history.slice(-this.historySize))
      listener({ type: 'progress', progress });
    if (this.op.state !== 'running') {
      listener({ type: this.op.state, operation: this.op.view() });
      return () => {};
    }
    this.op.listeners.add(listener);
    return () => this.op.listeners.delete(listener);
  }
}

function visibleTo(op: Operation, actor: Actor): boolean {
  return actor.role === 'admin' || op.owner === actor.identity;
}
