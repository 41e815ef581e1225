// One listing's figures: seats, money, fill rate, conversion, waitlist, check-ins, the
// waiting room's (line, admissions, conversion, abandoned, the line per minute) and the
// daily chart, all from the query API's analytics of the listing.
import { Link, useParams } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { useManagedListing } from "../organizer/queries";
import { StatusBadge } from "../organizer/StatusBadge";
import { localZone, money } from "../ui/format";
import { Empty, QueryView } from "../ui/states";
import { percent } from "./percent";
import { useListingAnalytics, type ListingAnalytics } from "./queries";
import { QueueChart } from "./QueueChart";
import { SalesChart } from "./SalesChart";
import { Stat } from "./Stat";

function Figures({ a, currency }: { a: ListingAnalytics; currency: string }) {
  return (
    <>
      <div className="row spread">
        <h1 className="flush">{a.title}</h1>
        <StatusBadge status={a.status} />
      </div>
      <p className="muted small">
        <Link to={`/organizer/listings/${a.listing_id}`}>Manage this listing</Link> · every amount in {currency}
      </p>
      <h2>Seats</h2>
      <dl className="stats">
        <Stat label="Sold" id="seats-sold" value={String(a.seats_sold)} />
        <Stat label="Held" id="seats-held" value={String(a.seats_held)} />
        <Stat label="Free" id="seats-free" value={String(a.seats_free)} />
        <Stat label="Fill rate" id="fill-rate" value={percent(a.fill_rate)}>
          of {a.capacity} seats
        </Stat>
      </dl>
      <h2>Money</h2>
      <dl className="stats">
        <Stat label="Revenue" id="revenue" value={money(a.revenue)} />
        <Stat label="Refunds" id="refunds" value={money(a.refunds)} />
        <Stat label="Net revenue" id="net" value={money(a.net_revenue)} />
        <Stat label="Bookings" id="bookings" value={String(a.bookings)}>
          <span data-testid="stat-cancellations">{a.cancellations}</span> cancelled
        </Stat>
      </dl>
      <h2>Conversion, waitlist and door</h2>
      <dl className="stats">
        <Stat label="Hold to booking" id="conversion" value={percent(a.hold_to_booking_conversion)}>
          {a.holds_confirmed} of {a.holds_made} holds
        </Stat>
        <Stat label="Waitlist" id="waitlist" value={String(a.waitlist_length)}>
          <span data-testid="stat-offers">
            {a.offers_accepted} of {a.offers_made} offers accepted
          </span>
        </Stat>
        <Stat label="Check-in rate" id="check-in-rate" value={percent(a.check_in_rate)}>
          {a.checked_in} of {a.tickets_valid} tickets
        </Stat>
      </dl>
      {a.waiting_room && (
        <>
          <h2>Waiting room {a.waiting_room.on ? "" : "(off)"}</h2>
          <dl className="stats">
            <Stat label="In line" id="room-waiting" value={String(a.waiting_room.waiting)}>
              {a.waiting_room.joined} joined
            </Stat>
            <Stat label="Let in" id="room-admitted" value={String(a.waiting_room.admitted)}>
              <span data-testid="stat-room-abandoned">{a.waiting_room.abandoned}</span> lapsed unused
            </Stat>
            <Stat
              label="Admission to booking"
              id="room-conversion"
              value={percent(a.waiting_room.admission_to_booking_conversion)}
            >
              {a.waiting_room.booked} booked through the room
            </Stat>
          </dl>
          {a.waiting_room.minutes.length > 0 && <QueueChart minutes={a.waiting_room.minutes} zone={localZone()} />}
        </>
      )}
      <h2>Per day</h2>
      {a.daily.length === 0 ? <Empty title="No sales yet" /> : <SalesChart days={a.daily} currency={currency} />}
    </>
  );
}

function ListingDashboard() {
  const { listingId = "" } = useParams();
  const analytics = useListingAnalytics(listingId);
  const listing = useManagedListing(listingId);
  return (
    <section className="stack">
      <p className="muted small">
        <Link to="/dashboard">Sales dashboard</Link> ›
      </p>
      <QueryView query={analytics} what="Loading the figures">
        {(a) => (
          <Figures
            a={a}
            currency={a.revenue?.currency ?? listing.data?.ticket_types[0]?.price.currency ?? "EUR"}
          />
        )}
      </QueryView>
    </section>
  );
}

export default function ListingDashboardPage() {
  return (
    <RequireSession>
      <ListingDashboard />
    </RequireSession>
  );
}
