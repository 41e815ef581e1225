// The per-buyer limits of a listing: most seats one account may hold, wait for and have
// booked, and how many holds it may start a minute. The server judges them on every hold.
import { useState, type FormEvent } from "react";
import { Field, FormError } from "../ui/Field";
import { useSetBuyerLimits, type ListingDetail } from "./queries";

export function BuyerLimits({ listing }: { listing: ListingDetail }) {
  const limits = listing.buyer_limits;
  const set = useSetBuyerLimits(listing.id);
  const [maxSeats, setMaxSeats] = useState(limits.max_seats_set ? String(limits.max_seats) : "");
  const [perMinute, setPerMinute] = useState(String(limits.holds_per_minute));
  if (listing.status === "cancelled") return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Empty means "follow the per-booking maximum"; anything else goes to the server as
    // typed, so a wrong value comes back as that field's error.
    set.mutate({
      max_seats: maxSeats.trim() === "" ? null : Number(maxSeats),
      holds_per_minute: Number(perMinute),
    });
  };
  return (
    <section className="card stack" aria-labelledby="limits-h">
      <h2 id="limits-h">Per-buyer limits</h2>
      <p className="muted small" data-testid="limits-summary">
        Each account may have at most {limits.max_seats} seats across its holds, waitlist places and bookings
        {limits.max_seats_set ? "" : " (the per-booking maximum)"}, one open hold per ticket type, and{" "}
        {limits.holds_per_minute} holds a minute.
      </p>
      <form className="row" onSubmit={submit} noValidate aria-label="Per-buyer limits">
        <Field
          label="Most seats per buyer"
          name="max_seats"
          error={set.error}
          hint={`Empty: the per-booking maximum (${listing.max_tickets_per_booking}).`}
        >
          {(p) => (
            <input {...p} type="number" min={1} inputMode="numeric" value={maxSeats} onChange={(e) => setMaxSeats(e.target.value)} />
          )}
        </Field>
        <Field label="Holds per buyer per minute" name="holds_per_minute" error={set.error}>
          {(p) => (
            <input {...p} type="number" min={1} inputMode="numeric" value={perMinute} onChange={(e) => setPerMinute(e.target.value)} />
          )}
        </Field>
        <div>
          <button type="submit" className="secondary" disabled={set.isPending}>
            {set.isPending ? "Saving…" : "Save limits"}
          </button>
        </div>
      </form>
      <FormError error={set.error} fields={["max_seats", "holds_per_minute"]} />
      {set.isSuccess && !set.isPending && <p className="small" role="status">Limits saved.</p>}
    </section>
  );
}
