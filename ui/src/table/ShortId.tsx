// A long id (a tenant or subscription GUID) shortened to its first characters, the whole id in
// its tooltip and for screen readers, with a button that copies it: the id is there when needed
// without taking a column's width from the money.
import { useState } from "react";

const SHOWN = 8;

export function ShortId({ id, label = "id" }: { id: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const short = id.length > SHOWN + 1 ? `${id.slice(0, SHOWN)}…` : id;
  return (
    <span className="short-id">
      <span className="mono" title={id} aria-label={id}>
        {short}
      </span>
      <button
        type="button"
        className="copy"
        data-testid="copy-id"
        aria-label={`Copy ${label} ${id}`}
        title={copied ? "Copied" : `Copy ${label}`}
        onClick={() => {
          // No clipboard (an old webview, a test): the id stays in the tooltip.
          try {
            void navigator.clipboard.writeText(id).then(
              () => {
                setCopied(true);
              },
              () => {
                setCopied(false);
              },
            );
          } catch {
            setCopied(false);
          }
        }}
      >
        {copied ? "✓" : "⧉"}
      </button>
    </span>
  );
}
