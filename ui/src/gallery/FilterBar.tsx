/**
 * The gallery's filter (layer: ui/gallery): an expression in the `--where` language of `verso
 * count` and `verso cat` (`class = person and attributes.pose = "Left"`), applied on submit; the
 * server checks it and its error (with the column) is shown under the field.
 */
import { useEffect, useState, type FormEvent } from 'react';

interface FilterBarProps {
  readonly where: string;
  readonly onApply: (where: string) => void;
  readonly summary: string;
}

export function FilterBar({ where, onApply, summary }: FilterBarProps) {
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
      <output className="filter-count" htmlFor="where" aria-live="polite">
        {summary}
      </output>
    </form>
  );
}
