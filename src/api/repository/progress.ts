/**
 * Progress reports from long operations (layer: api). Surfaces decide how to show them (the
 * CLI draws a bar only when stderr is a TTY).
 */
export interface Progress {
  readonly phase: string;
  readonly done: number;
  readonly total?: number;
}

export type ProgressFn = (p: Progress) => void;

/** Calls `fn` at most every `every` units of work. */
export function throttled(
  fn: ProgressFn | undefined,
  phase: string,
  every = 50_000,
  total?: number,
) {
  let next = every;
  return {
    tick(done: number): void {
      if (!fn || done < next) return;
      next = done + every;
      fn({ phase, done, ...(total === undefined ? {} : { total }) });
    },
    end(done: number): void {
      fn?.({ phase, done, ...(total === undefined ? {} : { total }) });
    },
  };
}
