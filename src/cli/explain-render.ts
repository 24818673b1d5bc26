/**
 * `--explain` for people (layer: cli): a query explanation (`api/query`'s `explainQuery`) as
 * lines, the plan first, then its steps indented; where a step found no index, the command
 * that builds them. The explanation itself is data (`--json` prints it as is).
 */
import type { QueryExplanation } from '../api/query/index.js';

/** The step text `query-plan.ts` writes for a field with no index. */
const NO_INDEX = ': no index of the ';

/** The explanation as lines for people. */
export function explanationLines(e: QueryExplanation, counting = false): string[] {
  const head =
    counting && e.exact_count !== undefined
      ? `plan: count from the index (${e.exact_count} of ${e.labels} labels of ${e.commit.slice(0, 12)})`
      : e.access === 'scan'
        ? `plan: scan all ${e.labels} labels of ${e.commit.slice(0, 12)}`
        : `plan: index, ${e.candidates} candidates of ${e.labels} labels of ${e.commit.slice(0, 12)}`;
  const counted =
    counting && e.exact_count !== undefined
      ? [`a count is answered by the index alone: ${e.exact_count}`]
      : [];
  const build = e.steps.some((s) => s.includes(NO_INDEX))
    ? ["'verso index build' builds the missing indexes"]
    : [];
  return [head, ...[...e.steps, ...counted, ...build].map((s) => `  ${s}`)];
}
