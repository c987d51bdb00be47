// A page's view state in its route: the search, sort, currency and scroll position live in the
// hash's query (#/customers?q=con&sort=cost.descending&top=1440), so Back brings them back and a
// link reproduces the view. Changes replace the current history entry (typing is not a trail of
// Back steps) and are written together a moment later: WebKit refuses more than a hundred
// history writes in thirty seconds. A pending write is flushed before a click or a key press
// that may navigate (Enter, Space, Alt or Cmd shortcuts), so the entry being left holds the
// latest state; typing a search is not one write per key.
import { useCallback, useState } from "react";
import { routePath } from "./route";
import type { Sort } from "../table/VirtualTable";

const WRITE_DELAY_MS = 250;

let pending: { path: string; changes: Map<string, string | null> } | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let listening = false;

/** The current route's query. */
export function readQuery(hash: string = window.location.hash): URLSearchParams {
  const at = hash.indexOf("?");
  return new URLSearchParams(at < 0 ? "" : hash.slice(at + 1));
}

/** Writes what is pending into the current history entry, if the route is still the one it was for. */
export function flushQuery(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  const write = pending;
  pending = null;
  if (!write) return;
  const hash = window.location.hash || "#/";
  if (routePath(hash) !== write.path) return;
  const query = readQuery(hash);
  for (const [name, value] of write.changes) {
    if (value === null || value === "") query.delete(name);
    else query.set(name, value);
  }
  const text = query.toString();
  const next = text ? `${write.path}?${text}` : write.path;
  if (next === hash) return;
  try {
    window.history.replaceState(window.history.state, "", next);
  } catch {
    // Over WebKit's write budget: the view state is not kept this time, the page works on.
  }
}

/** Keys that may navigate (open a row, follow a link, go Back): the state is written first. */
function flushBeforeNavigation(e: KeyboardEvent): void {
  if (e.key === "Enter" || e.key === " " || e.altKey || e.metaKey) flushQuery();
}

/** Sets (or with null, removes) names in the current route's query, soon. */
export function writeQuery(changes: Record<string, string | null>): void {
  const path = routePath(window.location.hash || "#/");
  if (pending && pending.path !== path) flushQuery();
  pending ??= { path, changes: new Map() };
  for (const [name, value] of Object.entries(changes)) pending.changes.set(name, value);
  if (!listening) {
    listening = true;
    // Before a click or key press acts (a link, a row that opens), the state is in the URL.
    document.addEventListener("click", flushQuery, true);
    document.addEventListener("keydown", flushBeforeNavigation, true);
  }
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(flushQuery, WRITE_DELAY_MS);
}

/** A text held in the route's query under `name`; `initial` is left out of the URL. */
export function useUrlState(name: string, initial = ""): [string, (value: string) => void] {
  const [value, setValue] = useState(() => readQuery().get(name) ?? initial);
  const set = useCallback(
    (next: string) => {
      setValue(next);
      writeQuery({ [name]: next === initial ? null : next });
    },
    [name, initial],
  );
  return [value, set];
}

/** "cost.descending" and back; anything else is `fallback`. */
export function parseSort(text: string | null, fallback: Sort): Sort {
  const m = /^(.+)\.(ascending|descending)$/.exec(text ?? "");
  return m?.[1] && (m[2] === "ascending" || m[2] === "descending") ? { key: m[1], direction: m[2] } : fallback;
}

export function sortText(sort: Sort): string {
  return `${sort.key}.${sort.direction}`;
}

/** A sort held in the route's query under `name` ("sort"). */
export function useUrlSort(initial: Sort, name = "sort"): [Sort, (sort: Sort) => void] {
  const [sort, setSort] = useState(() => parseSort(readQuery().get(name), initial));
  const initialText = sortText(initial);
  const set = useCallback(
    (next: Sort) => {
      setSort(next);
      const text = sortText(next);
      writeQuery({ [name]: text === initialText ? null : text });
    },
    [name, initialText],
  );
  return [sort, set];
}
