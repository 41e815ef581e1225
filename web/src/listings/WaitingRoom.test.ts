import { describe, expect, it } from "vitest";
import { joinedText } from "./WaitingRoom";

const joined = { listing_id: "l", waiting: 3, position: 1, opens_at: null };

describe("joinedText", () => {
  it("says the order is drawn at the opening when nobody has a place yet", () => {
    expect(joinedText({ ...joined, ahead: null })).toMatch(/drawn at random/);
  });
  it("counts who is ahead once the room is open", () => {
    expect(joinedText({ ...joined, ahead: 0 })).toMatch(/next in line/);
    expect(joinedText({ ...joined, ahead: 12 })).toMatch(/12 ahead of you/);
  });
});
