// Wall-clock times in a listing's own time zone, as <input type="datetime-local"> holds
// them ("2026-06-13T20:00"), converted to and from the instants the API takes.

/** The wall-clock fields of `instant` in `timeZone`, as milliseconds of a UTC date. */
function wallClock(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
}

/** Whether `timeZone` is an IANA name this browser knows. */
export function isZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone.length > 0;
  } catch {
    return false;
  }
}

/**
 * `"2026-06-13T20:00"` read in `timeZone` as an ISO instant, or null when the text is
 * no date-time or the zone is unknown. A wall time skipped by a DST change moves forward
 * by the gap, as clocks do.
 */
export function zonedToIso(local: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match || !isZone(timeZone)) return null;
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0] = match.slice(1).map(Number);
  const wanted = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset near the wanted time, then once more at the result (DST edges).
  let instant = wanted - (wallClock(wanted, timeZone) - wanted);
  instant = wanted - (wallClock(instant, timeZone) - instant);
  return new Date(instant).toISOString();
}

/** An instant as `"2026-06-13T20:00"` in `timeZone`, for a datetime-local input. */
export function isoToZoned(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant) || !isZone(timeZone)) return "";
  return new Date(wallClock(instant, timeZone)).toISOString().slice(0, 16);
}

/** Time zones to offer: the browser's list where it has one, else a few common ones. */
export function zoneChoices(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const all = intl.supportedValuesOf?.("timeZone") ?? [];
  const common = ["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];
  return Array.from(new Set([...common, ...all])).sort();
}
