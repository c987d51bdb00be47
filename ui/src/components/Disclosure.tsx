// The one control that expands a row or a section: a chevron (▸ closed, ▾ open) before its
// text, aria-expanded for assistive technology, and a look of its own, so a name that expands
// a row never looks like a link that navigates.
import type { ReactNode } from "react";

export function Disclosure({
  open,
  onToggle,
  children,
  label,
  title,
  controls,
  testId,
}: {
  open: boolean;
  onToggle: () => void;
  children: ReactNode;
  /** An accessible name when the text alone is not enough ("Show 3 entitlements of …"). */
  label?: string;
  title?: string;
  /** The id of what it expands, when that has one. */
  controls?: string;
  testId?: string;
}) {
  return (
    <button
      type="button"
      className="disclosure"
      aria-expanded={open}
      aria-controls={controls}
      aria-label={label}
      title={title}
      data-testid={testId}
      onClick={onToggle}
    >
      <span className="chevron" aria-hidden="true">
        {open ? "▾" : "▸"}
      </span>
      {children}
    </button>
  );
}
