/**
 * The labels of an image as a table (layer: ui/image): class (with its overlay colour),
 * attributes, annotator and annotation time, review (status, reviewer, time), and blame (the
 * commit that introduced the label and the last that changed it). Each row toggles its overlay
 * (its checkbox) and selects the label (a click on the row, or its label button by keyboard).
 */
import type { Label } from '../api/types.js';
import { shortId } from '../repos/format.js';
import { classColor, classOf } from '../overlays/class-colors.js';
import type { BlameEntry, CommitRef } from './image-data.js';

interface LabelTableProps {
  readonly labels: readonly Label[];
  readonly blame: ReadonlyMap<string, BlameEntry>;
  readonly hidden: ReadonlySet<string>;
  readonly selected: string | undefined;
  readonly onToggle: (label: string) => void;
  readonly onSelect: (label: string) => void;
}

export function LabelTable({
  labels,
  blame,
  hidden,
  selected,
  onToggle,
  onSelect,
}: LabelTableProps) {
  return (
    <div className="label-table">
      <table className="label-list" aria-label="labels">
        <thead>
          <tr>
            <th scope="col">Shown</th>
            <th scope="col">Label</th>
            <th scope="col">Attributes</th>
            <th scope="col">Annotated</th>
            <th scope="col">Review</th>
            <th scope="col">History</th>
          </tr>
        </thead>
        <tbody>
          {labels.map((l) => {
            const cls = classOf(l);
            const b = blame.get(l.label);
            return (
              <tr
                key={l.label}
                data-label-row={l.label}
                className={l.label === selected ? 'selected' : undefined}
                aria-selected={l.label === selected}
                onClick={() => onSelect(l.label)}
              >
                <td>
                  <input
                    type="checkbox"
                    checked={!hidden.has(l.label)}
                    onChange={() => onToggle(l.label)}
                    onClick={(e) => e.stopPropagation()}
                    aria-label={`show label ${l.label}`}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="select-label"
                    aria-pressed={l.label === selected}
                    aria-label={`select label ${l.label} (${cls ?? 'no class'})`}
                    onClick={(e) => {
                      e.stopPropagation();
                      onSelect(l.label);
                    }}
                  >
                    <span className="swatch" style={{ background: classColor(cls) }} />
                    <span className="class">{cls ?? '—'}</span> <code>{l.label}</code>
                  </button>
                </td>
                <td className="attributes">{attributesText(l.attributes)}</td>
                <td>
                  {l.annotator ?? '—'}
                  {l.annotated_at && (
                    <>
                      <br />
                      <time dateTime={l.annotated_at}>
                        {new Date(l.annotated_at).toLocaleString()}
                      </time>
                    </>
                  )}
                </td>
                <td className="review">
                  {l.review ? (
                    <>
                      <span className={`status status-${l.review.status ?? 'none'}`}>
                        {l.review.status ?? '—'}
                      </span>
                      {l.review.reviewer && <> by {l.review.reviewer}</>}
                      {l.review.comment && <q className="review-comment">{l.review.comment}</q>}
                      {l.review.reviewed_at && (
                        <>
                          <br />
                          <time dateTime={l.review.reviewed_at}>
                            {new Date(l.review.reviewed_at).toLocaleString()}
                          </time>
                        </>
                      )}
                    </>
                  ) : (
                    <span className="status status-none">not reviewed</span>
                  )}
                </td>
                <td className="blame">
                  {b?.introduced && <CommitLine what="introduced" commit={b.introduced} />}
                  {b?.changed && b.changed.commit !== b.introduced?.commit && (
                    <CommitLine what="changed" commit={b.changed} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CommitLine({ what, commit }: { what: string; commit: CommitRef }) {
  return (
    <div data-blame={what}>
      {what} <code>{shortId(commit.commit)}</code> by {commit.author}
      {commit.message && <span className="blame-message"> “{commit.message}”</span>}
    </div>
  );
}

function attributesText(attributes: Record<string, unknown> | undefined): string {
  if (!attributes) return '';
  return Object.entries(attributes)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}
