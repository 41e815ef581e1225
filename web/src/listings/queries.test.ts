// Availability events from the SSE stream land in the cached listing in place.
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { listingKeys, receiveAvailability, type Availability, type Listing } from "./queries";

const type = (id: string, free: number, held: number, sold: number) => ({
  id,
  name: id,
  price: { amount_minor: 2500, currency: "EUR" },
  capacity: free + held + sold,
  free,
  held,
  sold,
  waitlist_length: 0,
});

const listing = {
  id: "l1",
  title: "Jazz",
  status: "published",
  capacity: 20,
  seats_free: 20,
  seats_sold: 0,
  time_zone: "Europe/Paris",
  ticket_types: [type("floor", 10, 0, 0), type("balcony", 10, 0, 0)],
} as unknown as Listing;

describe("receiveAvailability", () => {
  it("replaces the counts of the types it names and keeps the rest of the listing", () => {
    const client = new QueryClient();
    client.setQueryData(listingKeys.one("l1"), listing);
    const live: Availability = {
      listing_id: "l1",
      status: "published",
      capacity: 20,
      seats_free: 17,
      seats_sold: 1,
      ticket_types: [type("floor", 7, 2, 1)],
    };
    receiveAvailability(client, "l1", live);
    const now = client.getQueryData<Listing>(listingKeys.one("l1"))!;
    expect(now.seats_free).toBe(17);
    expect(now.ticket_types.map((t) => [t.id, t.free, t.held, t.sold])).toEqual([
      ["floor", 7, 2, 1],
      ["balcony", 10, 0, 0],
    ]);
    expect(now.title).toBe("Jazz");
    expect(now.time_zone).toBe("Europe/Paris");
  });

  it("ignores an event for a listing that is not cached yet", () => {
    const client = new QueryClient();
    receiveAvailability(client, "l2", { listing_id: "l2", status: "published", capacity: 1, seats_free: 1, seats_sold: 0, ticket_types: [] });
    expect(client.getQueryData(listingKeys.one("l2"))).toBeUndefined();
  });
});
