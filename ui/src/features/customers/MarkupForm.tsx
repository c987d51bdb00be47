// The markup editor's form: a change from a day (percentage, per-category overrides, a monthly
// fee), previewed on the customer's last months beside the form. Save previews first and states
// the effect ("Oct 2026 resale +€110.00") before it applies, so nobody saves blind. Values travel
// as the exact text typed; the backend validates and its error lands next to the field it names.
import {
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type ReactNode,
  type SyntheticEvent,
} from "react";
import {
  markups,
  toApiError,
  type ApiError,
  type MarkupDto,
  type MarkupPreviewDto,
  type MarkupTargetDto,
  type MarkupTermDto,
} from "../../ipc";
import { effectOf, feeText, newestPreviewed, startsAfterPreview } from "./markupEffect";
import { MarkupPreview } from "./MarkupPreview";
import {
  formatDay,
  formatMonth,
  formatPercent,
  todayIso,
} from "../../format";

interface NewOverride {
  key: number;
  category: string;
  percent: string;
}

/** The error's place: one of the inputs, or the form as a whole. */
type Place = "percent" | "fee" | "categoryPercent" | "effectiveFrom" | "form";

function placeOf(error: ApiError): Place {
  switch (error.field) {
    case "percent":
    case "fee":
    case "categoryPercent":
    case "effectiveFrom":
      return error.field;
    default:
      return "form";
  }
}

function describeTerm(term: MarkupTermDto, currency: string | null): string {
  switch (term.kind) {
    case "percent":
      return `percentage ${formatPercent(term.percent)}`;
    case "listPercent":
      return `list price + ${formatPercent(term.percent)}`;
    case "categoryPercent":
      return term.percent === null
        ? `${term.category} override removed`
        : `${term.category} ${formatPercent(term.percent)}`;
    case "monthlyFee":
      return `monthly fee ${feeText(term.fee, currency)}`;
  }
}

export function MarkupForm({
  target,
  markup,
  readOnly,
  onSaved,
  feeCurrency,
  before,
}: {
  target: MarkupTargetDto;
  markup: MarkupDto;
  readOnly: boolean;
  onSaved: () => void;
  /** The currency the fee is billed in, when there is one (a customer); null for several or unknown. */
  feeCurrency: string | null;
  /** What sits above the form in its column (the terms in effect today). */
  before?: ReactNode;
}) {
  const id = useId();
  const [percent, setPercent] = useState("");
  const [fee, setFee] = useState("");
  const [from, setFrom] = useState(todayIso);
  const [edits, setEdits] = useState<ReadonlyMap<string, string>>(new Map());
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set());
  const [added, setAdded] = useState<NewOverride[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<MarkupPreviewDto | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  // Save previewed the terms on screen and waits for the user to confirm the effect it states.
  const [confirming, setConfirming] = useState(false);
  // Bumped by every edit: a preview answered for terms since changed is dropped.
  const previewRun = useRef(0);
  const nextKey = useRef(1);
  // Where the keyboard goes after a button that replaces itself (Remove, Keep, Add, Discard).
  const focusNext = useRef<string | null>(null);
  const percentRef = useRef<HTMLInputElement>(null);
  const feeRef = useRef<HTMLInputElement>(null);
  const fromRef = useRef<HTMLInputElement>(null);
  const categoriesRef = useRef<HTMLFieldSetElement>(null);

  // Layout effect: the keyboard moves in the same commit that shows the target, so nothing
  // (a key press, a test reading the focus) sees the page between the two.
  useLayoutEffect(() => {
    const target = focusNext.current;
    if (target === null) return;
    focusNext.current = null;
    document.getElementById(target)?.focus();
  });

  const place = error ? placeOf(error) : null;
  const errorAt = (p: Place) => (error && place === p ? error.message : null);
  const clearAt = (p: Place) => {
    // An edit answers the error of its field, and a form-wide one (a range, an empty change).
    if (place === p || place === "form") setError(null);
    setSaved(null);
    // A preview of other terms than those on screen would mislead.
    previewRun.current++;
    setPreview(null);
    setPreviewError(null);
    setConfirming(false);
  };

  function terms(): MarkupTermDto[] {
    const out: MarkupTermDto[] = [];
    if (percent.trim()) out.push({ kind: "percent", percent: percent.trim() });
    for (const [category] of markup.categories) {
      if (removed.has(category)) {
        out.push({ kind: "categoryPercent", category, percent: null });
      } else {
        const typed = edits.get(category)?.trim() ?? "";
        if (typed) out.push({ kind: "categoryPercent", category, percent: typed });
      }
    }
    for (const o of added) {
      if (o.category.trim() || o.percent.trim()) {
        out.push({ kind: "categoryPercent", category: o.category.trim(), percent: o.percent.trim() });
      }
    }
    if (fee.trim()) out.push({ kind: "monthlyFee", fee: fee.trim() });
    return out;
  }

  /** False (and says so by the field) when no day is chosen. */
  function checkDay(): boolean {
    if (/^\d{4}-\d{2}-\d{2}$/.test(from)) return true;
    setError({ code: "Validation", message: "Choose the first day the change applies.", field: "effectiveFrom" });
    fromRef.current?.focus();
    return false;
  }

  /** Shows a backend error next to the field it names and moves the keyboard there. */
  function showFieldError(apiError: ApiError) {
    setError(apiError);
    const p = placeOf(apiError);
    if (p === "percent") percentRef.current?.focus();
    else if (p === "fee") feeRef.current?.focus();
    else if (p === "categoryPercent") categoriesRef.current?.querySelector("input")?.focus();
  }

  /** Previews the terms on screen; true when the preview came back for them. */
  async function runPreview(forSave = false): Promise<boolean> {
    if (busy || previewing || readOnly) return false;
    setPreview(null);
    setPreviewError(null);
    setConfirming(false);
    if (!checkDay()) return false;
    const run = ++previewRun.current;
    setPreviewing(true);
    setError(null);
    try {
      // Exactly what Save would send.
      const answer = await markups.preview(target, terms(), from);
      if (run !== previewRun.current) return false;
      setPreview(answer);
      return true;
    } catch (err) {
      if (run !== previewRun.current) return false;
      const apiError = toApiError(err);
      // A rule on the change as a whole shows by the button that was pressed.
      if (placeOf(apiError) !== "form") showFieldError(apiError);
      else if (forSave) setError(apiError);
      else setPreviewError(apiError.message);
      return false;
    } finally {
      setPreviewing(false);
    }
  }

  /** Save: preview first, then state the effect and wait for the confirmation. */
  async function save(e: SyntheticEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy || readOnly) return;
    setSaved(null);
    if (!(await runPreview(true))) return;
    focusNext.current = `${id}-confirm`;
    setConfirming(true);
  }

  async function apply() {
    if (busy || readOnly) return;
    setSaved(null);
    if (!checkDay()) return;
    const sending = terms();
    setBusy(true);
    setError(null);
    try {
      await markups.set(target, sending, from);
      setPercent("");
      setFee("");
      setEdits(new Map());
      setRemoved(new Set());
      setAdded([]);
      setFrom(todayIso());
      previewRun.current++;
      setPreview(null);
      setPreviewError(null);
      setConfirming(false);
      setSaved(`Saved from ${formatDay(from)}: ${sending.map((t) => describeTerm(t, feeCurrency)).join(", ")}.`);
      onSaved();
    } catch (err) {
      showFieldError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const field = (p: Place, hint: string) => {
    const message = errorAt(p);
    return {
      invalid: message ? true : undefined,
      describedBy: message ? `${id}-${p}-error` : `${id}-${p}-hint`,
      below: message ? (
        <p id={`${id}-${p}-error`} className="field-error" role="alert" data-testid={`markup-error-${p}`}>
          {message}
        </p>
      ) : (
        <p id={`${id}-${p}-hint`} className="hint">
          {hint}
        </p>
      ),
    };
  };

  const pct = field(
    "percent",
    markup.percent === null
      ? "For every meter category without an override. Negative is a discount (-100 at most)."
      : `Leave empty to keep ${formatPercent(markup.percent)}. Negative is a discount (-100 at most).`,
  );
  const monthly = field(
    "fee",
    markup.monthlyFee === null
      ? "Per month, in the billing currency. Leave empty for none."
      : `Per month, in the billing currency. Leave empty to keep ${feeText(markup.monthlyFee, feeCurrency)}; 0 ends it.`,
  );
  const day = field("effectiveFrom", "The first day the change applies. Earlier days keep the old terms.");
  const categoryError = errorAt("categoryPercent");
  const formError = errorAt("form");

  // A change that starts after the previewed months leaves them as they are: say so rather
  // than "no change", which would read as if the terms did nothing.
  const later = confirming && preview !== null && startsAfterPreview(preview, from);
  const effect = confirming && preview && !later ? effectOf(preview) : [];
  const sentence = terms()
    .map((t) => describeTerm(t, feeCurrency))
    .join(", ");

  return (
    <div className="markup-editor">
      <div className="markup-main">
      {before}
      <form
        className="card markup-form"
        aria-labelledby={`${id}-title`}
        data-testid="markup-form"
        onSubmit={(e) => void save(e)}
        noValidate
      >
        <h2 id={`${id}-title`}>Change the markup</h2>
        <fieldset className="plain" disabled={readOnly}>
          <div className="fields">
            <div className="field">
              <label htmlFor={`${id}-percent`}>Percentage</label>
              <input
                id={`${id}-percent`}
                ref={percentRef}
                inputMode="decimal"
                autoComplete="off"
                placeholder={markup.percent ?? "e.g. 12"}
                data-testid="markup-percent"
                value={percent}
                aria-invalid={pct.invalid}
                aria-describedby={pct.describedBy}
                onChange={(e) => {
                  setPercent(e.target.value);
                  clearAt("percent");
                }}
              />
              {pct.below}
            </div>
            <div className="field">
              <label htmlFor={`${id}-fee`}>Monthly fee{feeCurrency ? ` (${feeCurrency})` : ""}</label>
              <input
                id={`${id}-fee`}
                ref={feeRef}
                inputMode="decimal"
                autoComplete="off"
                placeholder={markup.monthlyFee ?? "e.g. 50.00"}
                data-testid="markup-fee"
                value={fee}
                aria-invalid={monthly.invalid}
                aria-describedby={monthly.describedBy}
                onChange={(e) => {
                  setFee(e.target.value);
                  clearAt("fee");
                }}
              />
              {monthly.below}
            </div>
            <div className="field">
              <label htmlFor={`${id}-from`}>Effective from</label>
              <input
                id={`${id}-from`}
                ref={fromRef}
                type="date"
                required
                data-testid="markup-effective-from"
                value={from}
                aria-invalid={day.invalid}
                aria-describedby={day.describedBy}
                onChange={(e) => {
                  setFrom(e.target.value);
                  clearAt("effectiveFrom");
                }}
              />
              {day.below}
            </div>
          </div>

          <fieldset
            className="markup-overrides"
            ref={categoriesRef}
            aria-describedby={categoryError ? `${id}-categoryPercent-error` : `${id}-categories-hint`}
            data-testid="markup-overrides"
          >
            <legend>Category overrides</legend>
            <p id={`${id}-categories-hint`} className="hint">
              A meter category (as Microsoft names it, e.g. Virtual Machines) can have its own percentage instead of the
              general one.
            </p>
            {markup.categories.length > 0 && (
              <ul className="override-list">
                {markup.categories.map(([category, current], index) => {
                  const inputId = `${id}-override-${index}`;
                  const gone = removed.has(category);
                  return (
                    <li key={category} className="override" data-testid="markup-override">
                      <label htmlFor={inputId}>
                        <span className="visually-hidden">New percentage for </span>
                        {category}
                      </label>
                      {gone ? (
                        <>
                          <span className="warning" data-testid="markup-override-removed">
                            Removed when you save (now {formatPercent(current)})
                          </span>
                          <button
                            type="button"
                            id={`${inputId}-keep`}
                            className="link"
                            aria-label={`Keep the ${category} override`}
                            data-testid="markup-override-undo"
                            onClick={() => {
                              focusNext.current = inputId;
                              setRemoved((s) => {
                                const next = new Set(s);
                                next.delete(category);
                                return next;
                              });
                              clearAt("categoryPercent");
                            }}
                          >
                            Keep
                          </button>
                        </>
                      ) : (
                        <>
                          <input
                            id={inputId}
                            inputMode="decimal"
                            autoComplete="off"
                            className="override-percent"
                            placeholder={current}
                            data-testid="markup-override-percent"
                            value={edits.get(category) ?? ""}
                            onChange={(e) => {
                              const value = e.target.value;
                              setEdits((m) => new Map(m).set(category, value));
                              clearAt("categoryPercent");
                            }}
                          />
                          <span className="hint">now {formatPercent(current)}</span>
                          <button
                            type="button"
                            className="link"
                            aria-label={`Remove the ${category} override`}
                            data-testid="markup-override-remove"
                            onClick={() => {
                              focusNext.current = `${inputId}-keep`;
                              setRemoved((s) => new Set(s).add(category));
                              setEdits((m) => {
                                const next = new Map(m);
                                next.delete(category);
                                return next;
                              });
                              clearAt("categoryPercent");
                            }}
                          >
                            Remove
                          </button>
                        </>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
            {added.map((o, i) => (
              <div
                key={o.key}
                className="override new-override"
                role="group"
                aria-label={`New override ${i + 1}`}
                data-testid="markup-new-override"
              >
                <div className="field">
                  <label htmlFor={`${id}-new-${o.key}-category`}>Meter category</label>
                  <input
                    id={`${id}-new-${o.key}-category`}
                    autoComplete="off"
                    placeholder="Virtual Machines"
                    data-testid="markup-new-category"
                    value={o.category}
                    onChange={(e) => {
                      const category = e.target.value;
                      setAdded((list) => list.map((x) => (x.key === o.key ? { ...x, category } : x)));
                      clearAt("categoryPercent");
                    }}
                  />
                </div>
                <div className="field">
                  <label htmlFor={`${id}-new-${o.key}-percent`}>Percentage</label>
                  <input
                    id={`${id}-new-${o.key}-percent`}
                    inputMode="decimal"
                    autoComplete="off"
                    className="override-percent"
                    placeholder="e.g. 5"
                    data-testid="markup-new-category-percent"
                    value={o.percent}
                    onChange={(e) => {
                      const value = e.target.value;
                      setAdded((list) => list.map((x) => (x.key === o.key ? { ...x, percent: value } : x)));
                      clearAt("categoryPercent");
                    }}
                  />
                </div>
                <button
                  type="button"
                  className="link"
                  aria-label={`Discard new override ${i + 1}`}
                  data-testid="markup-new-override-discard"
                  onClick={() => {
                    focusNext.current = `${id}-add-override`;
                    setAdded((list) => list.filter((x) => x.key !== o.key));
                    clearAt("categoryPercent");
                  }}
                >
                  Discard
                </button>
              </div>
            ))}
            <button
              type="button"
              id={`${id}-add-override`}
              data-testid="markup-override-add"
              onClick={() => {
                const key = nextKey.current++;
                focusNext.current = `${id}-new-${key}-category`;
                setAdded((list) => [...list, { key, category: "", percent: "" }]);
                setSaved(null);
              }}
            >
              Add a category override
            </button>
            {categoryError && (
              <p id={`${id}-categoryPercent-error`} className="field-error" role="alert" data-testid="markup-error-categoryPercent">
                {categoryError}
              </p>
            )}
          </fieldset>

          {confirming && preview && (
            <div className="markup-confirm" role="group" aria-labelledby={`${id}-confirm-text`} data-testid="markup-confirm">
              <p id={`${id}-confirm-text`} data-testid="markup-confirm-text">
                From {formatDay(from)}: {sentence || "no change"}.{" "}
                {later
                  ? `It starts after the last closed month (${formatMonth(newestPreviewed(preview) ?? "")}), which keeps its resale; the change shows from ${formatMonth(from.slice(0, 7))} on.`
                  : effect.length > 0
                    ? `On the last closed month that is ${effect.join(", ")} (the preview beside shows each month).`
                    : "No closed month is rated yet, so its effect cannot be shown."}
              </p>
              <div className="markup-actions">
                <button
                  type="button"
                  id={`${id}-confirm`}
                  className="primary"
                  data-testid="markup-confirm-save"
                  disabled={busy}
                  onClick={() => void apply()}
                >
                  {busy ? "Saving…" : effect.length > 0 ? `Save: ${effect.join(", ")}` : "Save"}
                </button>
                <button
                  type="button"
                  data-testid="markup-confirm-cancel"
                  onClick={() => {
                    focusNext.current = `${id}-percent`;
                    setConfirming(false);
                  }}
                >
                  Not yet
                </button>
              </div>
            </div>
          )}
          <div className="markup-actions" hidden={confirming}>
            <button type="submit" className="primary" data-testid="markup-save" disabled={busy || previewing || readOnly}>
              Save…
            </button>
            <button
              type="button"
              data-testid="markup-preview-run"
              disabled={busy || previewing || readOnly}
              onClick={() => void runPreview()}
            >
              {previewing ? "Previewing…" : "Preview"}
            </button>
            {formError && (
              <p className="field-error" role="alert" data-testid="markup-error">
                {formError}
              </p>
            )}
            {previewError && (
              <p className="field-error" role="alert" data-testid="markup-preview-error">
                {previewError}
              </p>
            )}
          </div>
          <p className="hint markup-saved" role="status" data-testid="markup-saved">
            {saved}
          </p>
        </fieldset>
      </form>
      </div>
      <MarkupPreview preview={preview} />
    </div>
  );
}
