/**
 * RoundTripStore: a MemoryChunkStore shaped like a remote one, for tests (layer: store).
 *
 * It has `getMany`, and every `get`, `getMany` and `flush` is a request that waits for the
 * current round, except reads of chunks it has answered before (a remote store's local read
 * cache answers those: `S3PackChunkStore`'s on-disk one): requests made while a round is open (until the process has had nothing new
 * to do for a few event-loop turns) are answered together, as requests in flight at once over
 * a network are. `rounds` is then the round-trip depth of what ran (the longest chain of
 * requests each made after the previous one was answered), deterministically, without timing:
 * the figure a store with real latency waits on, and what `bench/s3-latency-proxy.ts` measures
 * against S3. `calls` counts requests, `chunksRead` the chunks they asked for; `trace`, when
 * on, keeps each round's requests with the stack that made them (to find sequential reads).
 */
import { hashToHex } from '../../core/hash.js';
import { MemoryChunkStore } from './memory-chunk-store.js';

/** Event-loop turns with no new request after which a round is answered. */
const QUIET_TURNS = 3;

export interface TracedRequest {
  readonly kind: 'get' | 'getMany' | 'flush';
  readonly chunks: number;
  readonly stack: string;
}

export class RoundTripStore extends MemoryChunkStore {
  rounds = 0;
  calls = 0;
  chunksRead = 0;
  /** Each round's requests, when `tracing` is on. */
  readonly trace: TracedRequest[][] = [];
  tracing = false;
  private waiting: { request: TracedRequest | undefined; answer: () => void }[] = [];
  /** Chunks answered before: the read cache of the store this one stands for. */
  private readonly cached = new Set<string>();

  override async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    if (this.remote([hash])) await this.request('get', 1);
    return super.get(hash);
  }

  async getMany(hashes: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const remote = this.remote(hashes);
    if (remote > 0) await this.request('getMany', remote);
    return Promise.all(hashes.map((h) => super.get(h)));
  }

  /** A chunk written here is read back from memory, as a remote store's staged chunks are. */
  override put(hash: Uint8Array, bytes: Uint8Array): void {
    super.put(hash, bytes);
    this.cached.add(hashToHex(hash));
  }

  override async flush(): Promise<void> {
    await this.request('flush', 0);
  }

  /** The store's own reads, not counted (copying a fixture in, checking what was written). */
  uncounted(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return super.get(hash);
  }

  /** Forgets the modelled read cache too (a cold process). */
  reset(): void {
    this.cached.clear();
    this.rounds = 0;
    this.calls = 0;
    this.chunksRead = 0;
    this.trace.length = 0;
  }

  /** How many of `hashes` are not in the modelled read cache (they are, from now on). */
  private remote(hashes: readonly Uint8Array[]): number {
    let n = 0;
    for (const hash of hashes) {
      const id = hashToHex(hash);
      if (this.cached.has(id)) continue;
      this.cached.add(id);
      n++;
    }
    return n;
  }

  private request(kind: TracedRequest['kind'], chunks: number): Promise<void> {
    this.calls++;
    this.chunksRead += chunks;
    const request = this.tracing
      ? { kind, chunks, stack: new Error().stack?.split('\n').slice(3, 14).join('\n') ?? '' }
      : undefined;
    return new Promise((answer) => {
      this.waiting.push({ request, answer });
      if (this.waiting.length === 1) this.answerWhenQuiet(this.waiting.length, 0);
    });
  }

  private answerWhenQuiet(seen: number, quiet: number): void {
    setImmediate(() => {
      if (this.waiting.length !== seen) return this.answerWhenQuiet(this.waiting.length, 0);
      if (quiet + 1 < QUIET_TURNS) return this.answerWhenQuiet(seen, quiet + 1);
      const round = this.waiting;
      this.waiting = [];
      this.rounds++;
      if (this.tracing) this.trace.push(round.map((w) => w.request!));
      for (const w of round) w.answer();
    });
  }
}
