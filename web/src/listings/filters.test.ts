// The search form's URL becomes the API's query: prices in minor units, whole days,
// unset filters dropped so equal searches share a cache entry.
import { describe, expect, it } from "vitest";
import { filtersFromParams } from "./filters";

describe("filtersFromParams", () => {
  it("turns the form's URL into the API's filters", () => {
    const params = new URLSearchParams("q=jazz&city=Lyon&from=2026-06-01&to=2026-06-30&min=10&max=25.5&seats=1&sort=popularity");
    expect(filtersFromParams(params)).toEqual({
      q: "jazz",
      city: "Lyon",
      starts_after: "2026-06-01T00:00:00Z",
      starts_before: "2026-06-30T23:59:59Z",
      min_price: 1000,
      max_price: 2550,
      has_seats: true,
      sort: "popularity",
    });
  });

  it("drops empty, malformed and default values", () => {
    const params = new URLSearchParams("q=%20&from=june&max=cheap&sort=starts_at&seats=0");
    expect(filtersFromParams(params)).toEqual({});
  });

  it("asks for the date order only where it is not the default", () => {
    const searching = new URLSearchParams("q=jazz&sort=starts_at");
    expect(filtersFromParams(searching)).toEqual({ q: "jazz", sort: "starts_at" });
  });
});
