// The caller's bookings and waitlist entries, and the commands on them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { keyed, readAfter, wrote } from "../api/commands";
import { AttemptKeys } from "../api/idempotency";
import type { components } from "../api/schema";

/** One booking in the list. */
export type MyBooking = components["schemas"]["MyBooking"];
/** A ticket of a booking. */
export type TicketView = components["schemas"]["TicketView"];
/** One booking with its tickets. */
export type BookingDetail = components["schemas"]["BookingDetail"];
/** An open waitlist entry. */
export type MyWaitlistEntry = components["schemas"]["MyWaitlistEntry"];

const cancelKeys = new AttemptKeys();
const joinKeys = new AttemptKeys();
const offerKeys = new AttemptKeys();

/** The caller's bookings, newest first (first page of 50). */
export function useMyBookings() {
  return useQuery({
    queryKey: ["me", "bookings"],
    queryFn: () => unwrap(api.GET("/api/v1/me/bookings", { params: { query: { limit: 50, after: readAfter() } } })),
  });
}

/** One booking with its ticket codes. */
export function useBooking(id: string) {
  return useQuery({
    queryKey: ["me", "booking", id],
    queryFn: async () =>
      unwrap(
        api.GET("/api/v1/me/bookings/{booking_id}", { params: { path: { booking_id: id }, query: { after: readAfter() } } }),
      ),
  });
}

/** The caller's waitlist entries; polled while shown, so the position moves. */
export function useMyWaitlist() {
  return useQuery({
    queryKey: ["me", "waitlist"],
    queryFn: () => unwrap(api.GET("/api/v1/me/waitlist", { params: { query: { after: readAfter() } } })),
    refetchInterval: 5_000,
  });
}

/** Cancels a booking (the refund follows the listing's policy). */
export function useCancelBooking(bookingId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      keyed(cancelKeys, { bookingId }, (key) =>
        api.POST("/api/v1/bookings/{booking_id}/cancel", {
          params: { path: { booking_id: bookingId } },
          headers: { "Idempotency-Key": key },
        }),
      ),
    onSuccess: (changed) => {
      wrote(changed.position);
      void client.invalidateQueries({ queryKey: ["me"] });
      void client.invalidateQueries({ queryKey: ["listings"] });
    },
  });
}

/** Joins the waitlist of a sold-out ticket type. */
export function useJoinWaitlist(listingId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { ticket_type_id: string; party_size: number }) =>
      keyed(joinKeys, { listingId, ...body }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/waitlist", {
          params: { path: { listing_id: listingId } },
          headers: { "Idempotency-Key": key },
          body,
        }),
      ),
    onSuccess: (joined) => {
      wrote(joined.position);
      void client.invalidateQueries({ queryKey: ["me", "waitlist"] });
    },
  });
}

/** Accepts, declines or leaves a waitlist entry; accepting pays and books the offer. */
export function useWaitlistAction(listingId: string, entryId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, card = "tok_ok" }: { action: "accept" | "decline" | "leave"; card?: string }): Promise<{
      position: number;
      ticket_codes?: string[];
    }> => {
      const params = { path: { listing_id: listingId, entry_id: entryId } };
      if (action === "accept") {
        return keyed(offerKeys, { entryId, action, card }, (key) =>
          api.POST("/api/v1/listings/{listing_id}/waitlist/{entry_id}/accept", {
            params,
            headers: { "Idempotency-Key": key },
            body: { payment_token: card },
          }),
        );
      }
      const path =
        action === "decline"
          ? "/api/v1/listings/{listing_id}/waitlist/{entry_id}/decline"
          : "/api/v1/listings/{listing_id}/waitlist/{entry_id}/leave";
      return keyed(offerKeys, { entryId, action }, (key) => api.POST(path, { params, headers: { "Idempotency-Key": key } }));
    },
    onSuccess: (result) => {
      wrote(result.position);
      void client.invalidateQueries({ queryKey: ["me"] });
    },
  });
}
