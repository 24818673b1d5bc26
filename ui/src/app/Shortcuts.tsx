/**
 * The keyboard shortcuts of a page, written on the page (layer: ui/app): every action has a key
 * or a Tab stop, and the keys are listed where they work, as a definition list a screen reader
 * reads as "keyboard shortcuts".
 */
export interface Shortcut {
  /** The key(s) as printed, e.g. `j` or `← ↑ → ↓`. */
  readonly keys: string;
  readonly action: string;
}

export function Shortcuts({ shortcuts }: { shortcuts: readonly Shortcut[] }) {
  return (
    <details className="shortcuts" open>
      <summary>Keyboard shortcuts</summary>
      <dl aria-label="keyboard shortcuts">
        {shortcuts.map((s) => (
          <div key={s.keys} className="shortcut">
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.action}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
