// A grid's search box sends its text to the backend once typing pauses, not on every key:
// the paged grids (an invoice's lines, a price sheet's rows) each search a large set there.
import { useEffect, useState } from "react";

/** The search is sent once typing pauses this long (ms). */
export const SEARCH_PAUSE_MS = 250;

/** `value`, once it has stayed the same for `ms`. */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => {
      setSettled(value);
    }, ms);
    return () => {
      clearTimeout(t);
    };
  }, [value, ms]);
  return settled;
}
