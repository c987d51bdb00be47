// Test helpers for the one data grid: the layout a 1280x800 window has room for, and the
// columns a table shows by default.
import { fireEvent, screen, within } from "@testing-library/react";

/**
 * Content width of a page at 1280x800: the window less the 200 px sidebar, the page's 2x32 px
 * padding, the table's border and a vertical scrollbar.
 */
export const CONTENT_WIDTH_1280 = 1280 - 200 - 64 - 2 - 14;

/** The columns a grid shows, in order, and the sum of their widths in px. */
export function shownColumns(tableTestId: string): { keys: string[]; width: number } {
  const cols = [...screen.getByTestId(tableTestId).querySelectorAll<HTMLElement>("col")];
  return {
    keys: cols.map((c) => c.dataset.col ?? ""),
    width: cols.reduce((w, c) => w + Number.parseFloat(c.style.width), 0),
  };
}

/** Shows a column hidden by default, through the grid's column chooser. */
export function showColumn(tableTestId: string, key: string) {
  fireEvent.click(within(screen.getByTestId(`${tableTestId}-columns`)).getByTestId(`column-${key}`));
}
