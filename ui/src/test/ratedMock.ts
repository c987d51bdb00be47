// The rated-usage part of the fake backend: each customer's rated lines of a month as the
// backend answers them (lines and totals per currency), set by a test; a month without any
// answers empty, as the backend does.
import type { RatedUsageDto } from "../ipc";
import type { MockHandlers } from "./ipcMock";

/** Rated usage by `account/customer/period`. */
export const ratedMock: { usage: Map<string, RatedUsageDto>; asked: string[] } = { usage: new Map(), asked: [] };

export function resetRatedMock(usage: Record<string, RatedUsageDto> = {}) {
  ratedMock.usage = new Map(Object.entries(usage));
  ratedMock.asked = [];
}

export const ratedHandlers: MockHandlers = {
  billing_list_rated_lines: (a) => {
    const key = `${a.accountId}/${a.customerId}/${a.period}`;
    ratedMock.asked.push(key);
    return ratedMock.usage.get(key) ?? { period: a.period, lines: [], totals: [] };
  },
};
