// render() for component tests: the component inside a fresh data layer, as App provides it.
import type { ReactElement } from "react";
import { render as renderDom } from "@testing-library/react";
import { DataProvider } from "../data/queryClient";

export function render(ui: ReactElement) {
  return renderDom(<DataProvider>{ui}</DataProvider>);
}
