// Holding seats, paying for them and letting them go.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { keyed, readAfter, wrote } from "../api/commands";
import { AttemptKeys } from "../api/idempotency";
import type { components } from "../api/schema";

/** What a hold sends: the ticket type, the seats and, through a waiting room, the admission token. */
export type HoldBody = components["schemas"]["HoldBody"];

/** A hold or waitlist offer of the caller, as `GET /me/holds` answers. */
export type MyHold = components["schemas"]["MyHold"];

/** The test cards of the sandbox payment provider. */
export const TEST_CARDS = [
  { token: "tok_ok", label: "Visa ending 4242 (pays)" },
  { token: "tok_declined", label: "Card ending 0002 (declined)" },
  { token: "tok_timeout", label: "Card ending 0119 (provider times out)" },
] as const;

const holdKeys = new AttemptKeys();
const confirmKeys = new AttemptKeys();
const releaseKeys = new AttemptKeys();

/** Query key of the caller's holds. */
export const holdsKey = ["me", "holds"] as const;

/** The caller's open holds and offers. */
export function useMyHolds(enabled = true) {
  return useQuery({
    queryKey: holdsKey,
    enabled,
    queryFn: () => unwrap(api.GET("/api/v1/me/holds", { params: { query: { after: readAfter() } } })),
  });
}

/** Holds `seats` of a ticket type. */
export function useHoldSeats(listingId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: HoldBody) =>
      keyed(holdKeys, { listingId, ...body }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/holds", {
          params: { path: { listing_id: listingId } },
          headers: { "Idempotency-Key": key },
          body,
        }),
      ),
    onSuccess: (hold) => {
      wrote(hold.position);
      void client.invalidateQueries({ queryKey: holdsKey });
    },
  });
}

/** Pays for a hold with a test card and books it. */
export function useConfirm(listingId: string, holdId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (payment_token: string) =>
      keyed(confirmKeys, { holdId, payment_token }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/holds/{hold_id}/confirm", {
          params: { path: { listing_id: listingId, hold_id: holdId } },
          headers: { "Idempotency-Key": key },
          body: { payment_token },
        }),
      ),
    onSuccess: (booking) => {
      wrote(booking.position);
      void client.invalidateQueries({ queryKey: ["me"] });
    },
  });
}

/** Gives the held seats back. */
export function useRelease(listingId: string, holdId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      keyed(releaseKeys, { holdId }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/holds/{hold_id}/release", {
          params: { path: { listing_id: listingId, hold_id: holdId } },
          headers: { "Idempotency-Key": key },
        }),
      ),
    onSuccess: (released) => {
      wrote(released.position);
      void client.invalidateQueries({ queryKey: holdsKey });
    },
  });
}
