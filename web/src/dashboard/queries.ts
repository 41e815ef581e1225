// The figures of the dashboard, read after the caller's own last write.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { readAfter } from "../api/commands";
import type { components } from "../api/schema";

/** How one listing sells. */
export type ListingAnalytics = components["schemas"]["ListingAnalytics"];
/** One UTC day of sales. */
export type DailySales = components["schemas"]["DailySales"];
/** Totals in one currency. */
export type CurrencyTotals = components["schemas"]["CurrencyTotals"];
/** A listing ranked by revenue. */
export type TopListing = components["schemas"]["TopListing"];

/** One listing's analytics, refreshed every half minute while shown. */
export function useListingAnalytics(id: string) {
  return useQuery({
    queryKey: ["dashboard", "listing", id],
    queryFn: () =>
      unwrap(api.GET("/api/v1/listings/{listing_id}/analytics", { params: { path: { listing_id: id }, query: { after: readAfter() } } })),
    refetchInterval: 30_000,
  });
}

/** The organizer's totals and best sellers (the platform's, for an admin). */
export function useOrganizerAnalytics() {
  return useQuery({
    queryKey: ["dashboard", "organizer"],
    queryFn: () => unwrap(api.GET("/api/v1/organizer/analytics", { params: { query: { after: readAfter() } } })),
    refetchInterval: 30_000,
  });
}
