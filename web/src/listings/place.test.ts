import { describe, expect, it } from "vitest";
import { admissionToken, parseEvents, placeText, progress, type RoomPlace } from "./place";

const base: RoomPlace = {
  listing_id: "l",
  status: "waiting",
  place: null,
  ahead: null,
  waiting: 10,
  opens_at: "2026-06-01T09:10:00Z",
  opened_at: null,
  admitted_per_minute: 60,
  estimated_admission_at: null,
  joined_at: "2026-06-01T09:00:00Z",
  admission_expires_at: null,
  admission_token: null,
};

describe("parseEvents", () => {
  it("splits complete events, skips comments and keeps a partial one for later", () => {
    const { events, rest } = parseEvents(':keep-alive\n\nevent: place\nid: 7\ndata: {"a":1}\n\nevent: pla');
    expect(events).toEqual([{ event: "place", data: '{"a":1}' }]);
    expect(rest).toBe("event: pla");
    const more = parseEvents(rest + 'ce\r\ndata: {"a":2}\r\n\r\n');
    expect(more.events).toEqual([{ event: "place", data: '{"a":2}' }]);
    expect(more.rest).toBe("");
  });
});

describe("placeText", () => {
  const now = Date.parse("2026-06-01T09:11:00Z");
  it("says the order is drawn at the opening before there is a place", () => {
    expect(placeText(base, now)).toMatch(/drawn at random/);
  });
  it("gives the place, who is ahead and the estimated wait", () => {
    const open = { ...base, opened_at: base.opens_at, place: 5, ahead: 4, estimated_admission_at: "2026-06-01T09:13:05Z" };
    expect(placeText(open, now)).toBe("You are number 5 in line, 4 ahead of you. About 2:05 to go.");
    expect(placeText({ ...open, place: 1, ahead: 0, estimated_admission_at: "2026-06-01T09:10:30Z" }, now)).toBe(
      "You are next in line. Any moment now.",
    );
  });
  it("says when it is the buyer's turn and when the admission lapsed", () => {
    expect(placeText({ ...base, status: "admitted" }, now)).toMatch(/your turn/);
    expect(placeText({ ...base, status: "expired" }, now)).toMatch(/lapsed/);
  });
});

describe("progress", () => {
  it("is the share of those ahead at first sight who have gone", () => {
    expect(progress(null, 3)).toBe(0);
    expect(progress(10, 10)).toBe(0);
    expect(progress(10, 4)).toBeCloseTo(0.6);
    expect(progress(10, 0)).toBe(1);
    expect(progress(0, 0)).toBe(1);
  });
});

describe("admissionToken", () => {
  it("is the place's token while the buyer is let in, and nothing otherwise", () => {
    const admitted = { ...base, status: "admitted", admission_expires_at: "2026-06-01T09:15:00Z", admission_token: "t.o.k" };
    expect(admissionToken(admitted)).toBe("t.o.k");
    expect(admissionToken({ ...admitted, status: "expired" })).toBeUndefined();
    expect(admissionToken(base)).toBeUndefined();
    expect(admissionToken(null)).toBeUndefined();
  });
});
