// The countdown follows the wall clock to the server's expiry and stops at zero.
import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Countdown } from "./Countdown";
import { secondsLeft } from "./useCountdown";

describe("secondsLeft", () => {
  it("counts from the server's expiry, rounding up, never below zero", () => {
    const now = Date.parse("2026-06-01T09:00:00Z");
    expect(secondsLeft("2026-06-01T09:10:00Z", now)).toBe(600);
    expect(secondsLeft("2026-06-01T09:00:00.200Z", now)).toBe(1);
    expect(secondsLeft("2026-06-01T08:59:00Z", now)).toBe(0);
  });
});

describe("Countdown", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-06-01T09:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("ticks down each second and says expired at zero", () => {
    render(<Countdown expiresAt="2026-06-01T09:00:03Z" label="Held for" />);
    expect(screen.getByTestId("countdown").textContent).toBe("Held for 0:03");
    act(() => void vi.advanceTimersByTime(1000));
    expect(screen.getByTestId("countdown").textContent).toBe("Held for 0:02");
    act(() => void vi.advanceTimersByTime(2000));
    expect(screen.getByTestId("countdown").textContent).toBe("expired");
  });

  it("is right after a long sleep: it reads the clock, it does not count ticks", () => {
    render(<Countdown expiresAt="2026-06-01T09:10:00Z" label="Held for" />);
    // The tab slept: the clock jumps 5 minutes while only one timer fires.
    act(() => {
      vi.setSystemTime(new Date("2026-06-01T09:05:00Z"));
      vi.advanceTimersByTime(1000);
    });
    const left = Number(screen.getByTestId("countdown").dataset.seconds);
    expect(left).toBeLessThanOrEqual(300);
    expect(left).toBeGreaterThanOrEqual(298);
  });
});
