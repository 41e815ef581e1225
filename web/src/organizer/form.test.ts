// The listing form's conversion: zone-aware times, minor units, errors named by field.
import { describe, expect, it } from "vitest";
import { blankDetails, toNewListing, toTicketType, type DetailsDraft } from "./form";

const draft: DetailsDraft = {
  ...blankDetails("Europe/Paris", Date.UTC(2026, 0, 1)),
  title: "Jazz",
  venueName: "Blue Room",
  address: "1 Main St",
  city: "Lyon",
  country: "fr",
  startsAt: "2026-06-13T20:00",
  endsAt: "2026-06-13T23:00",
  opensAt: "2026-05-01T10:00",
  closesAt: "2026-06-13T19:00",
};

describe("toNewListing", () => {
  it("reads times in the listing's zone and prices in minor units", () => {
    const result = toNewListing(draft, [{ name: "Balcony", price: "25.50", capacity: "40" }], "EUR");
    if ("error" in result) throw result.error;
    expect(result.body.starts_at).toBe("2026-06-13T18:00:00.000Z");
    expect(result.body.sales.opens_at).toBe("2026-05-01T08:00:00.000Z");
    expect(result.body.venue.country).toBe("FR");
    expect(result.body.ticket_types).toEqual([{ name: "Balcony", price: { amount: 2550, currency: "EUR" }, capacity: 40 }]);
  });
  it("names each wrong field by the API's JSON path", () => {
    const result = toNewListing({ ...draft, startsAt: "" }, [{ name: "A", price: "ten", capacity: "x" }], "EUR");
    if (!("error" in result)) throw new Error("expected an error");
    expect(result.error.fieldError("starts_at")).toBeTruthy();
    expect(result.error.fieldError("ticket_types[0].price.amount")).toMatch(/25\.50/);
    expect(result.error.fieldError("ticket_types[0].capacity")).toBeTruthy();
  });
});

describe("toTicketType", () => {
  it("takes whole units for a currency without minor digits", () => {
    const one = toTicketType({ name: "Seat", price: "3000", capacity: "5" }, "JPY");
    expect(one).toEqual({ body: { name: "Seat", price: { amount: 3000, currency: "JPY" }, capacity: 5 } });
  });
});
