// The rating feature's reads, under ["rating", ...]: the billing periods and one period's
// reconciliation. Discovery rates when it ends, so its end invalidates ["rating"].
export const ratingKeys = {
  all: ["rating"] as const,
  periods: () => ["rating", "periods"] as const,
  period: (period: string) => ["rating", "period", period] as const,
};
