// A grid's columns as its user laid them out: which are shown (the first always is) and how
// wide, from the remembered prefs of its table id, with what the column chooser and the
// resize handles need to change them.
import { useCallback, useMemo, useState, type MouseEvent } from "react";
import { isShown, loadPrefs, MAX_WIDTH, MIN_WIDTH, savePrefs, withShown, type ColumnPrefs } from "./columnPrefs";
import type { ChooserColumn } from "./GridBar";

interface LaidOut {
  key: string;
  width: number;
  header: unknown;
  hidden?: boolean;
  label?: string;
}

export function useColumnLayout<C extends LaidOut>(tableId: string, all: readonly C[]) {
  const [prefs, setPrefs] = useState<ColumnPrefs>(() => loadPrefs(tableId));
  const changePrefs = useCallback(
    (next: ColumnPrefs) => {
      setPrefs(next);
      savePrefs(tableId, next);
    },
    [tableId],
  );
  const columns = useMemo(
    () =>
      all
        .filter((c, i) => i === 0 || isShown(prefs, c.key, c.hidden ?? false))
        .map((c) => {
          const width = prefs.widths[c.key];
          return width === undefined ? c : { ...c, width };
        }),
    [all, prefs],
  );

  const chooser: { columns: ChooserColumn[]; onShow: (key: string, show: boolean) => void; onReset: () => void } = {
    columns: all.slice(1).map((c) => ({
      key: c.key,
      label: c.label ?? (typeof c.header === "string" ? c.header : c.key),
      shown: isShown(prefs, c.key, c.hidden ?? false),
    })),
    onShow: (key, show) => {
      const c = all.find((x) => x.key === key);
      changePrefs(withShown(prefs, key, c?.hidden ?? false, show));
    },
    onReset: () => {
      changePrefs({ shown: [], hidden: [], widths: {} });
    },
  };

  /** Sets a column's width (the keyboard's resize). */
  function resize(key: string, width: number) {
    changePrefs({ ...prefs, widths: { ...prefs.widths, [key]: Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(width))) } });
  }

  /** Follows a drag of a column's resize handle; the width is remembered when it ends. */
  function startResize(e: MouseEvent<HTMLElement>, c: { key: string; width: number }) {
    e.preventDefault();
    e.stopPropagation();
    const startX = e.clientX;
    const startWidth = c.width;
    let latest = startWidth;
    const move = (ev: globalThis.MouseEvent) => {
      latest = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, startWidth + ev.clientX - startX));
      setPrefs((p) => ({ ...p, widths: { ...p.widths, [c.key]: latest } }));
    };
    const up = () => {
      window.removeEventListener("mousemove", move);
      window.removeEventListener("mouseup", up);
      setPrefs((p) => {
        const next = { ...p, widths: { ...p.widths, [c.key]: Math.round(latest) } };
        savePrefs(tableId, next);
        return next;
      });
    };
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", up);
  }

  return { columns, chooser, resize, startResize };
}
