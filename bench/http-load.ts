/**
 * A bounded HTTP load generator for the server benchmark (layer: bench): `concurrency` clients
 * each send requests one after another until `total` have been sent (or `seconds` passed);
 * every request's latency is recorded, request to full response. Counts answers by status.
 */
export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly statuses: Record<number, number>;
}

export async function runLoad(opts: {
  readonly concurrency: number;
  readonly total: number;
  readonly seconds?: number;
  /** Sends request `i` and returns its status once the whole body is read. */
  readonly send: (i: number, client: number) => Promise<number>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const t0 = performance.now();
  const deadline = opts.seconds === undefined ? Infinity : t0 + opts.seconds * 1000;
  const client = async (c: number) => {
    while (next < opts.total && performance.now() < deadline) {
      const i = next++;
      const start = performance.now();
      const status = await opts.send(i, c);
      latencies.push(performance.now() - start);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, c) => client(c)));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    statuses,
  };
}
