// Wall-clock conversions in a listing's zone, including both DST edges.
import { describe, expect, it } from "vitest";
import { isoToZoned, isZone, zonedToIso } from "./zoned";

describe("zonedToIso", () => {
  it("reads a summer evening in Paris as UTC+2", () => {
    expect(zonedToIso("2026-06-13T20:00", "Europe/Paris")).toBe("2026-06-13T18:00:00.000Z");
  });
  it("reads a winter time in Paris as UTC+1", () => {
    expect(zonedToIso("2026-01-10T09:30", "Europe/Paris")).toBe("2026-01-10T08:30:00.000Z");
  });
  it("handles zones west of UTC and UTC itself", () => {
    expect(zonedToIso("2026-07-04T12:00", "America/New_York")).toBe("2026-07-04T16:00:00.000Z");
    expect(zonedToIso("2026-07-04T12:00", "UTC")).toBe("2026-07-04T12:00:00.000Z");
  });
  it("moves a time skipped by the spring change forward by the gap", () => {
    expect(zonedToIso("2026-03-29T02:30", "Europe/Paris")).toBe("2026-03-29T01:30:00.000Z");
  });
  it("rejects bad text and unknown zones", () => {
    expect(zonedToIso("13/06/2026 20:00", "Europe/Paris")).toBeNull();
    expect(zonedToIso("2026-06-13T20:00", "Mars/Olympus")).toBeNull();
  });
});

describe("isoToZoned", () => {
  it("is the inverse of zonedToIso", () => {
    for (const zone of ["Europe/Paris", "Asia/Tokyo", "America/Los_Angeles"]) {
      const iso = zonedToIso("2026-10-25T18:45", zone)!;
      expect(isoToZoned(iso, zone)).toBe("2026-10-25T18:45");
    }
  });
  it("answers empty for an unknown zone", () => {
    expect(isoToZoned("2026-06-13T18:00:00Z", "Nowhere/Else")).toBe("");
    expect(isZone("Europe/Paris")).toBe(true);
  });
});
