/**
 * Where the benchmarks find the programs they time (bench): the `verso` executable a user runs.
 * Benchmarks run compiled from `dist/bench/`, two levels below the repository root.
 */
import { resolve } from 'node:path';

/** `bin/verso.js`: the CLI as a user starts it, one process per step. */
export const VERSO_CLI = resolve(import.meta.dirname, '../../bin/verso.js');
