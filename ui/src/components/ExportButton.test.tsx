import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen } from "@testing-library/react";
import { render } from "../test/render";
import { clearMocks, mockBackend } from "../test/ipcMock";
import { signedIn } from "../test/fixtures";
import { ExportMenu } from "./ExportButton";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the Export menu", () => {
  it("exports a plain CSV at once and the other forms from the menu, without checkboxes", async () => {
    const backend = mockBackend([signedIn()], "Admin", {});
    render(
      <ExportMenu
        request={(bom) => ({ table: { table: "customers" }, bom, keys: null })}
        more={[{ testId: "export-focus-csv", label: "FOCUS CSV", bom: false, request: (bom) => ({ table: { table: "subscriptions" }, bom, keys: null }) }]}
      />,
    );
    expect(screen.queryByRole("checkbox")).toBeNull();
    const menu = screen.getByRole("menu", { hidden: true });
    expect(menu.hidden).toBe(true);
    fireEvent.click(screen.getByTestId("export-csv"));
    await screen.findByTestId("export-csv-done");
    expect(backend.exports[0]).toEqual({ table: { table: "customers" }, bom: false, keys: null });

    fireEvent.click(screen.getByTestId("export-csv-more"));
    expect(menu.hidden).toBe(false);
    expect(screen.getAllByRole("menuitem").map((m) => m.textContent)).toEqual(["CSV for Excel", "FOCUS CSV"]);
    fireEvent.click(screen.getByTestId("export-csv-excel"));
    await screen.findByTestId("export-csv-excel-done");
    expect(backend.exports[1]).toEqual({ table: { table: "customers" }, bom: true, keys: null });
    expect(menu.hidden).toBe(true);
    fireEvent.click(screen.getByTestId("export-focus-csv"));
    await screen.findByTestId("export-focus-csv-done");
    expect(backend.exports[2]?.table).toEqual({ table: "subscriptions" });
  });
});
