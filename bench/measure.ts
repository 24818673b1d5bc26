/**
 * Small measuring helpers for benchmarks (layer: bench): wall-clock timing, medians, disk usage.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export async function timeMs<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Bytes allocated on disk under `path` (sparse files count what they really use). */
export function diskUsage(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.blocks * 512;
  let total = 0;
  for (const name of readdirSync(path)) total += diskUsage(join(path, name));
  return total;
}

export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
