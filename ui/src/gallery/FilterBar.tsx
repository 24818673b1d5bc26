/**
 * The gallery's filter (layer: ui/gallery): an expression in the `--where` language of `verso
 * count` and `verso cat` (`class = person and attributes.pose = "Left"`), applied on submit; the
 * server checks it and its error (with the column) is shown under the field. Beside it, the
 * count of what is shown and, for a filter, its plan as `verso count --explain` gives it (index
 * or scan, the candidates, the steps); and the schema version the labels are read as.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { QueryPlan } from '../api/types.js';

interface FilterBarProps {
  readonly where: string;
  readonly onApply: (where: string) => void;
  readonly summary: string;
  readonly plan: QueryPlan | undefined;
  readonly schemaSelect: ReactNode;
}

export function FilterBar({ where, onApply, summary, plan, schemaSelect }: FilterBarProps) {
  const [text, setText] = useState(where);
  useEffect(() => setText(where), [where]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(text.trim());
  };
  return (
    <form className="filter-bar" role="search" onSubmit={submit}>
      <label htmlFor="where">Filter</label>
      <input
        id="where"
        name="where"
        placeholder='class = person and attributes.pose = "Left"'
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
      />
      <button type="submit">Apply</button>
      {where !== '' && (
        <button type="button" onClick={() => onApply('')}>
          Clear
        </button>
      )}
      {schemaSelect}
      <output className="filter-count" htmlFor="where" aria-live="polite">
        {summary}
      </output>
      {plan && <PlanDetails plan={plan} />}
    </form>
  );
}

/** The plan of the filter: a one-line summary, the steps on demand. */
function PlanDetails({ plan }: { plan: QueryPlan }) {
  const how =
    plan.access === 'index'
      ? `index, ${plan.candidates} candidates of ${plan.labels} labels`
      : `scan of ${plan.labels} labels`;
  return (
    <details className="filter-plan" data-access={plan.access}>
      <summary>
        Plan: {how}
        {plan.exact_count !== undefined ? ' (counted from the index)' : ''}
      </summary>
      <ol aria-label="plan steps">
        {plan.steps.map((s, i) => (
          <li key={i}>{s}</li>
        ))}
      </ol>
    </details>
  );
}
