// Rates as the dashboard shows them.

/** `0.4567` as "45.7%"; a missing rate as a dash. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return "–";
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}
