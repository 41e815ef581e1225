// The door's verdicts for each answer the check-in API can give.
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/problem";
import { admitted, admittedAt, cleanCode, notHere, onList, rejected, tone } from "./answer";

const problem = (status: number, detail: string, errors?: { field: string; message: string }[]) =>
  new ApiError({ status, detail, errors });

describe("rejected", () => {
  it("says already admitted for the 409 of a second scan, with when in the listing's zone", () => {
    const a = rejected("ABC", problem(409, "this ticket was already admitted at 2026-06-01 10:50:00.892979154 UTC by 01a2-x"), "Europe/Paris");
    expect(a.kind).toBe("already");
    expect(a.headline).toBe("Already admitted");
    expect(a.detail).toBe("First admitted at 12:50:00 (Europe/Paris).");
    expect(tone(a.kind)).toBe("warn");
  });
  it("keeps the server's words when it gives no time", () => {
    expect(rejected("A", problem(409, "this ticket was already admitted")).detail).toBe("This ticket was already admitted");
    expect(admittedAt("at 2026-06-01 10:50:00 UTC")).toBe(Date.UTC(2026, 5, 1, 10, 50));
  });
  it("says unknown for a 404", () => {
    const a = rejected("ABC", problem(404, "no ticket has this code"));
    expect(a.kind).toBe("unknown");
    expect(tone(a.kind)).toBe("bad");
  });
  it("shows the field error of a malformed code", () => {
    const a = rejected("X", problem(422, "invalid", [{ field: "code", message: "16 to 32 characters" }]));
    expect(a).toMatchObject({ kind: "invalid", detail: "16 to 32 characters" });
  });
  it("keeps other conflicts and failures apart from already admitted", () => {
    expect(rejected("A", problem(409, "the booking is cancelled")).kind).toBe("error");
    expect(rejected("A", problem(0, "The server could not be reached.")).headline).toBe("No connection");
    expect(rejected("A", new Error("boom")).kind).toBe("error");
  });
});

describe("admitted and cleanCode", () => {
  it("admits in green", () => {
    expect(tone(admitted("A").kind)).toBe("ok");
  });
  it("strips spaces, dashes, case and a link's prefix", () => {
    expect(cleanCode(" abcd-efgh ijkl ")).toBe("ABCDEFGHIJKL");
    expect(cleanCode("boxoffice:ticket:7K3M9QX2R4T6V8WZ")).toBe("7K3M9QX2R4T6V8WZ");
    expect(cleanCode("https://x.example/t/7K3M9QX2R4T6V8WZ")).toBe("7K3M9QX2R4T6V8WZ");
  });
});

describe("onList", () => {
  it("finds a code among the listing's tickets, whatever its case", () => {
    const list = { bookings: [{ tickets: [{ code: "KH7T1KTGDEFNPC9W" }] }] };
    expect(onList(list, "KH7T1KTGDEFNPC9W")).toBe(true);
    expect(onList(list, "0000000000000000")).toBe(false);
    expect(notHere("X").kind).toBe("unknown");
  });
});
