// Money and time, formatted once for the whole app: money from minor units in its own
// currency, times in the listing's time zone with the zone named.

const LOCALE = "en-GB";

/** The number of minor-unit digits of `currency` (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat(LOCALE, { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** `2500, "EUR"` as "€25.00". */
export function formatMoney(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const value = amountMinor / 10 ** digits;
  try {
    return new Intl.NumberFormat(LOCALE, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency}`;
  }
}

/** An amount as the API sends it. */
export interface Amount {
  amount_minor: number;
  currency: string;
}

/** An optional amount, or a dash. */
export function money(amount: Amount | null | undefined): string {
  return amount ? formatMoney(amount.amount_minor, amount.currency) : "–";
}

/** A user-typed price ("25" or "25.50") in minor units of `currency`, or null. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const match = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text);
  if (!match) return null;
  const fraction = (match[2] ?? "").padEnd(digits, "0");
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction || "0");
}

/** `time` in `timeZone`, with the zone named: "Sat, 13 Jun 2026, 20:00 (Europe/Paris)". */
export function formatTime(time: string | number | Date, timeZone: string): string {
  const date = new Date(time);
  try {
    const text = new Intl.DateTimeFormat(LOCALE, {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    }).format(date);
    return `${text} (${timeZone})`;
  } catch {
    return `${date.toISOString().slice(0, 16).replace("T", " ")} (UTC)`;
  }
}

/** The date part only, in `timeZone`: "13 Jun 2026". */
export function formatDate(time: string | number | Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(LOCALE, { timeZone, day: "numeric", month: "short", year: "numeric" }).format(
      new Date(time),
    );
  } catch {
    return new Date(time).toISOString().slice(0, 10);
  }
}

/** Seconds as "9:05" or "1:02:03"; never negative. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** The browser's own time zone, for times that belong to no listing. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
