/**
 * The text of `verso lineage up|down` (layer: cli): one line per record walked, indented by
 * depth, with counts, and lists capped at `TEXT_LIST_LIMIT` names with how to see the rest.
 * The active-learning loop shows as model -> prediction set -> slice -> later run -> its models
 * (down) and run -> slice -> prediction set -> model that chose it (up).
 */
import type { LineageDown, LineageUp, PredictionSetDown, SliceDown } from '../api/lineage/index.js';

/** How many names or ids a text line lists before it says how many more there are. */
export const TEXT_LIST_LIMIT = 10;

/** `a, b, c` or `a, b, … and 12,345 more; HOW` when there are more than `limit`. */
export function capped(items: readonly string[], limit: number, how: string): string {
  if (items.length === 0) return '-';
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')}, … and ${num(items.length - limit)} more; ${how}`;
}

export function num(n: number): string {
  return n.toLocaleString('en-US');
}

export function upLines(r: LineageUp, all: boolean): string[] {
  const lines: string[] = [];
  if (r.label) {
    const p = r.label.proposed_by as { model_name?: unknown; score?: unknown } | null;
    lines.push(
      `label      ${r.label.image}/${r.label.label} at ${r.label.ref}${p ? `: proposed by model ${String(p.model_name)} (score ${String(p.score)})` : ': not proposed by a model'}`,
    );
  }
  if (r.predictionSet)
    lines.push(
      `prediction set ${r.predictionSet.id} (${num(r.predictionSet.predictionCount)} predictions)`,
    );
  if (r.prediction)
    lines.push(`prediction ${r.prediction.id} image ${r.prediction.image} at ${r.prediction.time}`);
  if (r.model) lines.push(`model      ${r.model.id} ${r.model.name}@${r.model.version}`);
  if (r.run)
    lines.push(`run        ${r.run.id} ${r.run.datasetRef} ${r.run.status} by ${r.run.author}`);
  const on = r.trainedOn;
  if (on) {
    lines.push(
      `slice      ${on.slice.id} ${on.slice.name} (${num(on.slice.exampleCount)} examples)`,
    );
    const by = on.selectedBy;
    if (by)
      lines.push(
        `chosen by  ${by.strategy} on prediction set ${by.predictionSet.id} of model ${by.model.id} ${by.model.name}@${by.model.version}`,
      );
  }
  lines.push(`commit     ${r.commit.id} by ${r.commit.author} at ${r.commit.time}`);
  const ex = r.examples;
  if (ex) {
    lines.push(`examples   ${num(ex.count)} (set ${ex.root.slice(0, 12)})`);
    if (ex.people === 'over_limit') {
      const why = `not listed: the set has ${num(ex.count)} examples, over the ${num(ex.scan_limit)} read by default; use --all to read them all`;
      lines.push(`annotators ${why}`, `reviewers  ${why}`);
    } else {
      const limit = all ? Infinity : TEXT_LIST_LIMIT;
      lines.push(`annotators ${capped(ex.annotators ?? [], limit, 'use --all or --json')}`);
      lines.push(`reviewers  ${capped(ex.reviewers ?? [], limit, 'use --all or --json')}`);
    }
  }
  return lines;
}

export function downLines(r: LineageDown): string[] {
  if (r.predictionSet) return setLines(r.predictionSet, '');
  if (r.slice) return sliceLines(r.slice, '');
  const slices = (r.slices ?? []).map(
    (x) => `slice ${x.id} ${x.name} (${num(x.exampleCount)} examples)`,
  );
  const lines = r.runs.flatMap((run) => [
    `run ${run.id} (${run.datasetRef} @ ${run.commit.slice(0, 12)}, ${num(run.exampleCount)} examples)`,
    ...run.models.flatMap((m) => [
      `  model ${m.id} ${m.name}@${m.version}: ${num(m.predictions.total)} predictions`,
      ...m.predictions.first.map((p) => `    prediction ${p.id} image ${p.image} at ${p.time}`),
      ...(m.predictions.total > m.predictions.first.length
        ? [
            `    … and ${num(m.predictions.total - m.predictions.first.length)} more; use --limit N, or verso predict list --model ${m.id}`,
          ]
        : []),
      ...m.predictionSets.flatMap((s) => setLines(s, '    ')),
    ]),
  ]);
  return [...slices, ...(r.runs.length > 0 ? lines : ['no runs'])];
}

function setLines(s: PredictionSetDown, indent: string): string[] {
  return [
    `${indent}prediction set ${s.id} (${num(s.predictionCount)} predictions on ${num(s.imageCount)} images)`,
    ...s.slices.flatMap((x) => sliceLines(x, `${indent}  `)),
  ];
}

function sliceLines(x: SliceDown, indent: string): string[] {
  const how = x.selection ? `, ${x.selection.strategy}` : '';
  return [
    `${indent}slice ${x.id} ${x.name} (${num(x.exampleCount)} examples${how})`,
    ...x.runs.map(
      (r) =>
        `${indent}  trained run ${r.id} (${r.datasetRef} @ ${r.commit.slice(0, 12)}, ${num(r.exampleCount)} examples)${r.models.length > 0 ? ` -> ${r.models.map((m) => `model ${m.id} ${m.name}@${m.version}`).join(', ')}` : ''}`,
    ),
  ];
}
