// Rows of a list too long to load (a million invoice lines), fetched from the backend a
// page at a time as they come into view: the first page brings the count (so the scrollbar
// is right at once) and whatever the backend says about the whole list (sums); the pages
// around the view are kept (least recently used dropped) and the next one is fetched ahead.
// Another query (sort, search, filter) keeps showing the old list until its first page is
// here, then swaps, so typing a search never blanks the table.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { toApiError, type ApiError } from "../ipc";
import type { RowSource } from "./VirtualTable";

/** Rows per request. */
export const PAGE_SIZE = 200;
/** Pages kept (8,000 rows): a few screens either way of the view. */
export const KEEP_PAGES = 40;
/** A scroll settles this long (ms) before the pages it passed over are asked for. */
const SETTLE_MS = 60;

export interface Page<T, M> {
  /** Rows in the whole list. */
  total: number;
  rows: T[];
  /** What the backend says about the whole list. */
  about: M;
}

export interface PagedRows<T, M> {
  /** Null until the first page of the first query is here. */
  source: RowSource<T> | null;
  about: M | null;
  /** A query's first page is on its way (the old list still shows). */
  busy: boolean;
  error: ApiError | null;
  retry: () => void;
}

/**
 * The rows of `fetchPage` for `query` (a key naming the list: when it changes, the list is
 * fetched again). `fetchPage` may change with `query`; the latest is used.
 */
export function usePagedRows<T, M>(
  query: string,
  fetchPage: (offset: number, limit: number) => Promise<Page<T, M>>,
): PagedRows<T, M> {
  const fetchRef = useRef(fetchPage);
  useLayoutEffect(() => {
    fetchRef.current = fetchPage;
  });
  const pages = useRef(new Map<number, T[]>());
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [attempt, setAttempt] = useState(0);
  // What is asked for: the query, fetched again on retry.
  const want = `${String(attempt)} ${query}`;
  const wantRef = useRef(want);
  const [shown, setShown] = useState<{ want: string; query: string; total: number; about: M } | null>(null);
  const [failed, setFailed] = useState<{ want: string; error: ApiError } | null>(null);
  // Bumped when a page arrives: the source's rows changed.
  const [arrived, setArrived] = useState(0);
  const error = failed?.want === want ? failed.error : null;
  const busy = shown?.want !== want && !error;

  useEffect(() => {
    wantRef.current = want;
    const mine = ++generation.current;
    fetchRef.current(0, PAGE_SIZE).then(
      (page) => {
        if (mine !== generation.current) return;
        pages.current = new Map([[0, page.rows]]);
        inFlight.current = new Set();
        setShown({ want, query, total: page.total, about: page.about });
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        setFailed({ want, error: toApiError(e) });
      },
    );
  }, [want, query]);

  useEffect(
    () => () => {
      if (settle.current) clearTimeout(settle.current);
    },
    [],
  );

  const load = useCallback((index: number) => {
    if (pages.current.has(index) || inFlight.current.has(index)) return;
    const mine = generation.current;
    inFlight.current.add(index);
    fetchRef.current(index * PAGE_SIZE, PAGE_SIZE).then(
      (page) => {
        if (mine !== generation.current) return;
        inFlight.current.delete(index);
        pages.current.set(index, page.rows);
        setShown((s) => (s ? { ...s, total: page.total, about: page.about } : s));
        setArrived((n) => n + 1);
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        inFlight.current.delete(index);
        setFailed({ want: wantRef.current, error: toApiError(e) });
      },
    );
  }, []);

  const total = shown?.total ?? 0;
  const onRange = useCallback(
    (first: number, last: number) => {
      if (busy || last <= first) return;
      const from = Math.floor(first / PAGE_SIZE);
      const to = Math.floor((last - 1) / PAGE_SIZE);
      // Most recently used last: the pages in view move to the end of the map.
      for (let p = from; p <= to; p++) {
        const kept = pages.current.get(p);
        if (kept) {
          pages.current.delete(p);
          pages.current.set(p, kept);
        }
      }
      for (const p of [...pages.current.keys()]) {
        if (pages.current.size <= KEEP_PAGES) break;
        if (p < from || p > to) pages.current.delete(p);
      }
      if (settle.current) clearTimeout(settle.current);
      settle.current = setTimeout(() => {
        settle.current = null;
        for (let p = from; p <= to; p++) load(p);
        // Ahead: people mostly scroll down.
        if ((to + 1) * PAGE_SIZE < total) load(to + 1);
      }, SETTLE_MS);
    },
    [busy, load, total],
  );

  const source = useMemo<RowSource<T> | null>(
    () =>
      shown && {
        count: shown.total,
        version: shown.query,
        row: (i) => pages.current.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE],
        onRange,
      },
    // `arrived` renews the source so the table draws the rows that came.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [shown, onRange, arrived],
  );

  const retry = useCallback(() => {
    setAttempt((a) => a + 1);
  }, []);

  return { source, about: shown?.about ?? null, busy, error, retry };
}
