// Listings from the query API: search pages, one listing, and its live availability (SSE)
// written into the same cache entry so every screen showing it updates in place.
import { useEffect, useState } from "react";
import { useInfiniteQuery, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";

/** A listing as `GET /listings/{id}` answers. */
export type Listing = components["schemas"]["ListingDetail"];
/** A search result. */
export type ListingSummary = components["schemas"]["ListingSummary"];
/** The counts the availability stream sends. */
export type Availability = components["schemas"]["Availability"];

/** The search form's values, as the URL carries them. */
export interface SearchFilters {
  q?: string;
  city?: string;
  category?: string;
  starts_after?: string;
  starts_before?: string;
  min_price?: number;
  max_price?: number;
  has_seats?: boolean;
  sort?: "starts_at" | "popularity";
}

/** Query keys: everything about listings starts with "listings". */
export const listingKeys = {
  search: (filters: SearchFilters) => ["listings", "search", filters] as const,
  one: (id: string) => ["listings", "one", id] as const,
};

/** Search results, a keyset page at a time. */
export function useSearch(filters: SearchFilters) {
  return useInfiniteQuery({
    queryKey: listingKeys.search(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/v1/listings", { params: { query: { ...filters, limit: 12, cursor: pageParam } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** One listing; `after` makes the read wait for the caller's own write. */
export function useListing(id: string, after?: number) {
  return useQuery({
    queryKey: listingKeys.one(id),
    queryFn: () =>
      unwrap(api.GET("/api/v1/listings/{listing_id}", { params: { path: { listing_id: id }, query: { after } } })),
  });
}

/** Folds an availability event into a cached listing. */
export function applyAvailability(listing: Listing, live: Availability): Listing {
  return {
    ...listing,
    status: live.status,
    capacity: live.capacity,
    seats_free: live.seats_free,
    seats_sold: live.seats_sold,
    ticket_types: listing.ticket_types.map((t) => live.ticket_types.find((l) => l.id === t.id) ?? t),
  };
}

/** Writes one availability event into the cache. */
export function receiveAvailability(client: QueryClient, id: string, live: Availability) {
  client.setQueryData<Listing>(listingKeys.one(id), (old) => (old ? applyAvailability(old, live) : old));
}

/** Live connection state of the availability stream. */
export type LiveState = "connecting" | "live" | "reconnecting";

/** Keeps the listing's cached counts current from the availability stream while mounted. */
export function useLiveAvailability(id: string): LiveState {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    const source = new EventSource(`/api/v1/listings/${encodeURIComponent(id)}/availability/stream`);
    source.addEventListener("availability", (event) => {
      setState("live");
      receiveAvailability(client, id, JSON.parse((event as MessageEvent<string>).data) as Availability);
    });
    // EventSource reconnects by itself; say so meanwhile.
    source.onerror = () => setState("reconnecting");
    return () => source.close();
  }, [client, id]);
  return state;
}
