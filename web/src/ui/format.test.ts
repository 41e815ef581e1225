// Money from minor units in its currency; times in the listing's zone, zone named.
import { describe, expect, it } from "vitest";
import { formatDuration, formatMoney, formatTime, money, parseMoney } from "./format";

describe("money", () => {
  it("formats minor units in the currency's own digits", () => {
    expect(formatMoney(2500, "EUR")).toBe("€25.00");
    expect(formatMoney(199, "USD")).toBe("US$1.99");
    expect(formatMoney(1500, "JPY")).toBe("JP¥1,500");
    expect(formatMoney(0, "EUR")).toBe("€0.00");
  });

  it("formats an API amount and shows a dash for none", () => {
    expect(money({ amount_minor: 19900, currency: "EUR" })).toBe("€199.00");
    expect(money(null)).toBe("–");
  });

  it("parses typed prices into minor units and refuses nonsense", () => {
    expect(parseMoney("25", "EUR")).toBe(2500);
    expect(parseMoney("25.5", "EUR")).toBe(2550);
    expect(parseMoney("25,05", "EUR")).toBe(2505);
    expect(parseMoney("1500", "JPY")).toBe(1500);
    expect(parseMoney("1.234", "EUR")).toBeNull();
    expect(parseMoney("abc", "EUR")).toBeNull();
  });
});

describe("time", () => {
  it("shows the wall clock of the listing's zone and names the zone", () => {
    const at = "2026-06-13T18:00:00Z";
    expect(formatTime(at, "Europe/Paris")).toBe("Sat, 13 Jun 2026, 20:00 (Europe/Paris)");
    expect(formatTime(at, "America/New_York")).toBe("Sat, 13 Jun 2026, 14:00 (America/New_York)");
  });

  it("crosses the date line with the zone, not the browser", () => {
    expect(formatTime("2026-01-01T23:30:00Z", "Asia/Tokyo")).toBe("Fri, 2 Jan 2026, 08:30 (Asia/Tokyo)");
  });

  it("writes durations as m:ss or h:mm:ss, never negative", () => {
    expect(formatDuration(599)).toBe("9:59");
    expect(formatDuration(61)).toBe("1:01");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(-5)).toBe("0:00");
  });
});
