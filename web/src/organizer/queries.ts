// The organizer's listings, one listing with its attendees, and every command an
// organizer runs on a listing (each with an Idempotency-Key per attempt).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { keyed, readAfter, wrote } from "../api/commands";
import { AttemptKeys } from "../api/idempotency";
import type { components } from "../api/schema";

/** A listing as the organizer's list shows it. */
export type OrganizerListing = components["schemas"]["OrganizerListing"];
/** Everything about one listing. */
export type ListingDetail = components["schemas"]["ListingDetail"];
/** The body of a new listing. */
export type NewListing = components["schemas"]["NewListing"];
/** The body of a details change. */
export type DetailsBody = components["schemas"]["DetailsBody"];
/** The body of a new ticket type. */
export type TicketTypeBody = components["schemas"]["TicketTypeBody"];

/** Query keys of this feature. */
export const organizerKeys = {
  all: ["organizer"] as const,
  listings: () => ["organizer", "listings"] as const,
  listing: (id: string) => ["organizer", "listing", id] as const,
  attendees: (id: string) => ["organizer", "attendees", id] as const,
};

/** The caller's listings, drafts too, soonest first (first 100). */
export function useMyListings() {
  return useQuery({
    queryKey: organizerKeys.listings(),
    queryFn: () => unwrap(api.GET("/api/v1/organizer/listings", { params: { query: { limit: 100, after: readAfter() } } })),
  });
}

/** One listing, seen after the caller's own last write. */
export function useManagedListing(id: string) {
  return useQuery({
    queryKey: organizerKeys.listing(id),
    queryFn: () =>
      unwrap(api.GET("/api/v1/listings/{listing_id}", { params: { path: { listing_id: id }, query: { after: readAfter() } } })),
  });
}

/** Who booked the listing, with their tickets' check-in times. */
export function useAttendees(id: string, refetchInterval?: number) {
  return useQuery({
    queryKey: organizerKeys.attendees(id),
    queryFn: () =>
      unwrap(api.GET("/api/v1/listings/{listing_id}/attendees", { params: { path: { listing_id: id }, query: { after: readAfter() } } })),
    refetchInterval,
  });
}

/** After a write: remember its position and refresh everything of this feature. */
function useWritten() {
  const client = useQueryClient();
  return (changed: { position: number }) => {
    wrote(changed.position);
    void client.invalidateQueries({ queryKey: organizerKeys.all });
    void client.invalidateQueries({ queryKey: ["listings"] });
    void client.invalidateQueries({ queryKey: ["dashboard"] });
  };
}

const createKeys = new AttemptKeys();
const detailsKeys = new AttemptKeys();
const typeKeys = new AttemptKeys();
const capacityKeys = new AttemptKeys();
const lifecycleKeys = new AttemptKeys();
const limitsKeys = new AttemptKeys();
const roomKeys = new AttemptKeys();

/** Creates a draft listing. */
export function useCreateListing() {
  const written = useWritten();
  return useMutation({
    mutationFn: (body: NewListing) =>
      keyed(createKeys, body, (key) => api.POST("/api/v1/listings", { headers: { "Idempotency-Key": key }, body })),
    onSuccess: written,
  });
}

/** Replaces a listing's details. */
export function useUpdateDetails(id: string) {
  const written = useWritten();
  return useMutation({
    mutationFn: (body: DetailsBody) =>
      keyed(detailsKeys, { id, body }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/details", {
          params: { path: { listing_id: id } },
          headers: { "Idempotency-Key": key },
          body,
        }),
      ),
    onSuccess: written,
  });
}

/** Adds a ticket type. */
export function useAddTicketType(id: string) {
  const written = useWritten();
  return useMutation({
    mutationFn: (body: TicketTypeBody) =>
      keyed(typeKeys, { id, body }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/ticket_types", {
          params: { path: { listing_id: id } },
          headers: { "Idempotency-Key": key },
          body,
        }),
      ),
    onSuccess: written,
  });
}

/** Changes one ticket type's capacity. */
export function useChangeCapacity(id: string, typeId: string) {
  const written = useWritten();
  return useMutation({
    mutationFn: (capacity: number) =>
      keyed(capacityKeys, { id, typeId, capacity }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/ticket_types/{ticket_type_id}/capacity", {
          params: { path: { listing_id: id, ticket_type_id: typeId } },
          headers: { "Idempotency-Key": key },
          body: { capacity },
        }),
      ),
    onSuccess: written,
  });
}

/** The body of a per-buyer limits change. */
export type BuyerLimitsBody = components["schemas"]["BuyerLimitsBody"];

/** Sets what one account may claim of the listing and how fast it may hold. */
export function useSetBuyerLimits(id: string) {
  const written = useWritten();
  return useMutation({
    mutationFn: (body: BuyerLimitsBody) =>
      keyed(limitsKeys, { id, body }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/buyer_limits", {
          params: { path: { listing_id: id } },
          headers: { "Idempotency-Key": key },
          body,
        }),
      ),
    onSuccess: written,
  });
}

/** The body of a waiting-room change. */
export type WaitingRoomBody = components["schemas"]["WaitingRoomBody"];

/** Turns the waiting room on (or changes it) or off. */
export function useSetWaitingRoom(id: string) {
  const written = useWritten();
  return useMutation({
    mutationFn: (body: WaitingRoomBody) =>
      keyed(roomKeys, { id, body }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/waiting_room", {
          params: { path: { listing_id: id } },
          headers: { "Idempotency-Key": key },
          body,
        }),
      ),
    onSuccess: written,
  });
}

/** What a lifecycle step is: publish, close sales, or cancel with a reason. */
export type Lifecycle = { action: "publish" } | { action: "close" } | { action: "cancel"; reason: string };

/** Publishes, closes or cancels the listing. */
export function useLifecycle(id: string) {
  const written = useWritten();
  return useMutation({
    mutationFn: (step: Lifecycle) =>
      keyed(lifecycleKeys, { id, step }, (key) => {
        const params = { path: { listing_id: id } };
        const headers = { "Idempotency-Key": key };
        if (step.action === "publish") return api.POST("/api/v1/listings/{listing_id}/publish", { params, headers });
        if (step.action === "close") return api.POST("/api/v1/listings/{listing_id}/close", { params, headers });
        return api.POST("/api/v1/listings/{listing_id}/cancel", { params, headers, body: { reason: step.reason } });
      }),
    onSuccess: written,
  });
}
