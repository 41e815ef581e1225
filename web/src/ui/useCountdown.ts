// A countdown to a server time: seconds left, recomputed from the wall clock every tick
// (never decremented), so it is right after a reload, a sleeping tab or a slow render.
import { useEffect, useState } from "react";

/** Seconds from `now` until `expiresAt` (ISO time or ms), never below zero. */
export function secondsLeft(expiresAt: string | number, now: number = Date.now()): number {
  const end = typeof expiresAt === "number" ? expiresAt : Date.parse(expiresAt);
  return Math.max(0, Math.ceil((end - now) / 1000));
}

/** Seconds left until `expiresAt`, updated every second; 0 once it has passed. */
export function useCountdown(expiresAt: string | number | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  const left = expiresAt == null ? 0 : secondsLeft(expiresAt, now);
  useEffect(() => {
    if (expiresAt == null || left <= 0) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [expiresAt, left]);
  return left;
}
