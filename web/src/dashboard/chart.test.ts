// The chart's axis and bar arithmetic.
import { describe, expect, it } from "vitest";
import { bars, niceCeiling, ticks } from "./chart";

describe("niceCeiling", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(3)).toBe(5);
    expect(niceCeiling(7.5)).toBe(10);
    expect(niceCeiling(12)).toBe(20);
    expect(niceCeiling(2500)).toBe(5000);
    expect(niceCeiling(50000)).toBe(50000);
  });
});

describe("ticks", () => {
  it("spans 0 to the nice top in equal steps", () => {
    expect(ticks(7)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(ticks(3000)).toEqual([0, 1250, 2500, 3750, 5000]);
    expect(ticks(0)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe("bars", () => {
  it("scales each value into the box, bottom aligned", () => {
    const b = bars([0, 5, 10], 300, 100, 10);
    expect(b.map((x) => x.height)).toEqual([0, 50, 100]);
    expect(b[2]!.y).toBe(0);
    expect(b[1]!.x).toBeCloseTo(115);
    expect(b[1]!.width).toBeCloseTo(70);
  });
  it("keeps a tiny non-zero value visible and ignores negatives", () => {
    const b = bars([1, -3], 100, 100, 10_000);
    expect(b[0]!.height).toBe(1);
    expect(b[1]!.height).toBe(0);
    expect(bars([], 100, 100, 1)).toEqual([]);
  });
  it("caps a lone day's bar width and centres it", () => {
    const [b] = bars([5], 500, 100, 10, 40);
    expect(b).toMatchObject({ width: 40, x: 230 });
  });
});
