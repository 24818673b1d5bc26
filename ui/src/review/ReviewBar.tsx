/**
 * Approve / reject / comment on the selected label (layer: ui/review), by button or key: `a`
 * approves, `r` rejects, `c` goes to the comment field (Enter adds it, Escape leaves it), `j` /
 * `k` select the next / previous label, `space` toggles its overlay (`REVIEW_SHORTCUTS`, listed
 * on the page). Shown only
 * to a token whose role may review, on a branch (a tag or commit is read-only); the server still
 * checks the role on every write.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Shortcut } from '../app/Shortcuts.js';
import type { Verdict } from './review-patch.js';

interface ReviewBarProps {
  readonly selected: string | undefined;
  readonly busy: boolean;
  readonly message: string | undefined;
  readonly onReview: (verdict: Verdict) => void;
  readonly onComment: (comment: string) => void;
}

export function ReviewBar({ selected, busy, message, onReview, onComment }: ReviewBarProps) {
  const disabled = busy || selected === undefined;
  const [comment, setComment] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (comment.trim() === '' || disabled) return;
    onComment(comment.trim());
    setComment('');
  };
  return (
    <div className="review-bar" role="toolbar" aria-label="review">
      <button
        type="button"
        className="primary"
        disabled={disabled}
        onClick={() => onReview('approved')}
        aria-keyshortcuts="a"
      >
        Approve
      </button>
      <button
        type="button"
        className="danger"
        disabled={disabled}
        onClick={() => onReview('rejected')}
        aria-keyshortcuts="r"
      >
        Reject
      </button>
      <form className="comment-form" onSubmit={submit}>
        <label htmlFor="review-comment">Comment</label>
        <input
          id="review-comment"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
          aria-keyshortcuts="c"
          disabled={selected === undefined}
        />
        <button type="submit" disabled={disabled || comment.trim() === ''}>
          Add comment
        </button>
      </form>
      {message && (
        <span className="review-message" role="status">
          {message}
        </span>
      )}
    </div>
  );
}

/** The image page's keys, as `useLabelKeys` reads them (written on the page). */
export const LABEL_SHORTCUTS: readonly Shortcut[] = [
  { keys: 'j / k', action: 'next / previous label' },
  { keys: 'space', action: 'show / hide the selected label' },
  { keys: 'Tab', action: 'every control, in reading order' },
];
export const REVIEW_SHORTCUTS: readonly Shortcut[] = [
  { keys: 'a', action: 'approve the selected label' },
  { keys: 'r', action: 'reject it' },
  { keys: 'c', action: 'comment on it (Enter adds, Escape leaves the field)' },
];

export interface LabelKeys {
  readonly next: () => void;
  readonly previous: () => void;
  readonly toggle: () => void;
  readonly review?: (verdict: Verdict) => void;
  readonly comment?: () => void;
}

/** The page's keyboard shortcuts (not while typing in a field). */
export function useLabelKeys(keys: LabelKeys): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      const action: Record<string, (() => void) | undefined> = {
        j: keys.next,
        k: keys.previous,
        ' ': keys.toggle,
        a: keys.review && (() => keys.review!('approved')),
        r: keys.review && (() => keys.review!('rejected')),
        c: keys.comment,
      };
      const run = action[e.key];
      if (run) {
        e.preventDefault();
        run();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [keys]);
}
