// The totals of one currency: money taken and refunded, seats, bookings, listings.
import { money } from "../ui/format";
import type { CurrencyTotals } from "./queries";
import { Stat } from "./Stat";

/** The totals of one currency. */
export function Totals({ t }: { t: CurrencyTotals }) {
  const id = t.currency.toLowerCase();
  return (
    <section className="stack" aria-labelledby={`totals-${id}`} data-testid={`totals-${t.currency}`}>
      <h2 id={`totals-${id}`}>In {t.currency}</h2>
      <dl className="stats">
        <Stat label="Net revenue" id="net" value={money(t.net_revenue)} />
        <Stat label="Revenue" id="revenue" value={money(t.revenue)} />
        <Stat label="Refunds" id="refunds" value={money(t.refunds)} />
        <Stat label="Seats sold" id="seats-sold" value={String(t.seats_sold)} />
        <Stat label="Bookings" id="bookings" value={String(t.bookings)}>
          {t.cancellations} cancelled
        </Stat>
        <Stat label="Listings" id="listings" value={String(t.listings)} />
      </dl>
    </section>
  );
}
