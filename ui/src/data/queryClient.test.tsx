import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { useQuery } from "@tanstack/react-query";
import { createQueryClient, DataProvider, invalidate, invalidateAfterImport } from "./queryClient";
import { discoveryStore } from "../features/discovery/store";
import { run } from "../test/fixtures";

afterEach(() => {
  cleanup();
  discoveryStore.reset();
});

/** Shows how many times its query has been read. */
function Counter({ feature }: { feature: string }) {
  const reads = useQuery({
    queryKey: [feature, "count"],
    queryFn: () => {
      const next = (counts.get(feature) ?? 0) + 1;
      counts.set(feature, next);
      return Promise.resolve(next);
    },
  });
  return <p data-testid={feature}>{reads.data ?? "…"}</p>;
}
const counts = new Map<string, number>();

async function shows(feature: string, n: number) {
  await waitFor(() => {
    expect(screen.getByTestId(feature).textContent).toBe(String(n));
  });
}

describe("the data layer", () => {
  it("reads what Discovery writes again when a run finishes, and nothing else", async () => {
    counts.clear();
    render(
      <DataProvider>
        <Counter feature="billing" />
        <Counter feature="customers" />
        <Counter feature="cost_exports" />
      </DataProvider>,
    );
    await shows("billing", 1);
    await shows("customers", 1);
    await shows("cost_exports", 1);

    act(() => {
      discoveryStore.apply({ kind: "started", run: run({ state: "inProgress", endedAt: null }) });
    });
    act(() => {
      discoveryStore.apply({ kind: "finished", run: run(), rating: null });
    });
    await shows("billing", 2);
    await shows("customers", 2);
    expect(screen.getByTestId("cost_exports").textContent, "Discovery does not write exported costs").toBe("1");
  });

  it("reads what an import writes again: cost exports reach Billing and Customers, not Rating", async () => {
    counts.clear();
    const client = createQueryClient();
    render(
      <DataProvider client={client}>
        <Counter feature="billing" />
        <Counter feature="rating" />
      </DataProvider>,
    );
    await shows("billing", 1);
    await act(() => invalidateAfterImport(client, "cost_exports"));
    await shows("billing", 2);
    expect(screen.getByTestId("rating").textContent).toBe("1");
  });

  it("asks again when a change lands while the first read is still under way", async () => {
    const client = createQueryClient();
    let answers = 0;
    let release: (v: string) => void = () => {};
    function Slow() {
      const q = useQuery({
        queryKey: ["accounts", "slow"],
        queryFn: () => {
          answers += 1;
          // The first read hangs until released: it started before the change.
          return answers === 1 ? new Promise<string>((r) => (release = r)) : Promise.resolve("after the change");
        },
      });
      return <p data-testid="slow">{q.data ?? "…"}</p>;
    }
    render(
      <DataProvider client={client}>
        <Slow />
      </DataProvider>,
    );
    await act(() => invalidate(client, ["accounts"]));
    release("before the change");
    await waitFor(() => {
      expect(screen.getByTestId("slow").textContent).toBe("after the change");
    });
  });
});
