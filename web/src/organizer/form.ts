// The listing form's state (strings, as the inputs hold them) and its conversion to the
// API's bodies: times read in the listing's zone, prices in the currency's minor units.
// Mistakes the browser can see are reported like the API's 422, so they sit beside
// their fields the same way.
import { ApiError, type FieldError } from "../api/problem";
import { minorDigits, parseMoney } from "../ui/format";
import type { DetailsBody, ListingDetail, NewListing, TicketTypeBody } from "./queries";
import { isoToZoned, isZone, zonedToIso } from "./zoned";

/** One ticket type row of the form. */
export interface TypeDraft {
  name: string;
  price: string;
  capacity: string;
}

/** Every input of the details form. */
export interface DetailsDraft {
  title: string;
  description: string;
  category: string;
  venueName: string;
  address: string;
  city: string;
  country: string;
  timeZone: string;
  startsAt: string;
  endsAt: string;
  opensAt: string;
  closesAt: string;
  maxPerBooking: string;
}

/** A blank form: a week from now, sales open now, in the browser's zone. */
export function blankDetails(timeZone: string, now = Date.now()): DetailsDraft {
  const day = 86_400_000;
  const start = now + 14 * day;
  return {
    title: "",
    description: "",
    category: "concert",
    venueName: "",
    address: "",
    city: "",
    country: "FR",
    timeZone,
    startsAt: isoToZoned(new Date(start).toISOString(), timeZone),
    endsAt: isoToZoned(new Date(start + 3 * 3_600_000).toISOString(), timeZone),
    opensAt: isoToZoned(new Date(now + 60_000).toISOString(), timeZone),
    closesAt: isoToZoned(new Date(start - 3_600_000).toISOString(), timeZone),
    maxPerBooking: "6",
  };
}

/** The form of an existing listing. */
export function detailsOf(listing: ListingDetail): DetailsDraft {
  const z = listing.time_zone;
  return {
    title: listing.title,
    description: listing.description,
    category: listing.category,
    venueName: listing.venue.name,
    address: listing.venue.address,
    city: listing.venue.city,
    country: listing.venue.country,
    timeZone: z,
    startsAt: isoToZoned(listing.starts_at, z),
    endsAt: isoToZoned(listing.ends_at, z),
    opensAt: isoToZoned(listing.sales_opens_at, z),
    closesAt: isoToZoned(listing.sales_closes_at, z),
    maxPerBooking: String(listing.max_tickets_per_booking),
  };
}

/** The error a form shows for mistakes found before sending. */
function localError(errors: FieldError[]): ApiError {
  const detail = errors.length === 1 && errors[0] ? errors[0].message : `${errors.length} fields need a fix.`;
  return new ApiError({ status: 422, detail, errors });
}

function whole(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

/** The details body, or the error naming what to fix. */
export function toDetails(d: DetailsDraft): { body: DetailsBody } | { error: ApiError } {
  const errors: FieldError[] = [];
  if (!isZone(d.timeZone)) errors.push({ field: "time_zone", message: "Choose a time zone, e.g. Europe/Paris." });
  const time = (field: string, text: string) => {
    const iso = zonedToIso(text, d.timeZone);
    if (!iso && isZone(d.timeZone)) errors.push({ field, message: "Give a date and a time." });
    return iso ?? "";
  };
  const starts_at = time("starts_at", d.startsAt);
  const ends_at = time("ends_at", d.endsAt);
  const opens_at = time("sales.opens_at", d.opensAt);
  const closes_at = time("sales.closes_at", d.closesAt);
  const max = whole(d.maxPerBooking);
  if (max === null) errors.push({ field: "max_tickets_per_booking", message: "A whole number from 1 to 100." });
  if (errors.length) return { error: localError(errors) };
  return {
    body: {
      title: d.title.trim(),
      description: d.description,
      category: d.category.trim(),
      venue: { name: d.venueName.trim(), address: d.address.trim(), city: d.city.trim(), country: d.country.trim().toUpperCase() },
      starts_at,
      ends_at,
      time_zone: d.timeZone,
      sales: { opens_at, closes_at },
      max_tickets_per_booking: max ?? 0,
    },
  };
}

/** One ticket type's body (its fields named under `prefix`), or the errors to show. */
export function toTicketType(t: TypeDraft, currency: string, prefix = ""): { body: TicketTypeBody } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const amount = parseMoney(t.price, currency);
  if (amount === null) {
    const digits = minorDigits(currency);
    errors.push({
      field: `${prefix}price.amount`,
      message: digits > 0 ? `A price like 25 or 25.${"5".padEnd(digits, "0")} (0 for free).` : "A whole price like 2500 (0 for free).",
    });
  }
  const capacity = whole(t.capacity);
  if (capacity === null) errors.push({ field: `${prefix}capacity`, message: "A whole number of seats." });
  if (errors.length) return { errors };
  return { body: { name: t.name.trim(), price: { amount: amount ?? 0, currency }, capacity: capacity ?? 0 } };
}

/** The new listing's body, or the error naming what to fix. */
export function toNewListing(d: DetailsDraft, types: TypeDraft[], currency: string): { body: NewListing } | { error: ApiError } {
  const details = toDetails(d);
  const errors: FieldError[] = "error" in details ? [...(details.error.problem.errors ?? [])] : [];
  const bodies: TicketTypeBody[] = [];
  types.forEach((t, i) => {
    const one = toTicketType(t, currency, `ticket_types[${i}].`);
    if ("errors" in one) errors.push(...one.errors);
    else bodies.push(one.body);
  });
  if (errors.length || "error" in details) return { error: localError(errors) };
  return { body: { ...details.body, ticket_types: bodies } };
}
