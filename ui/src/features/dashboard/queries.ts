// The Dashboard's reads, under ["dashboard", ...]; Discovery's end invalidates them.
export const dashboardKeys = {
  all: ["dashboard"] as const,
  figures: () => ["dashboard", "figures"] as const,
};
