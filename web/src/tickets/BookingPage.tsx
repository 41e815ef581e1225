// One booking: its tickets as QR codes with the codes as text, and cancelling it (with a
// confirmation step) showing the refund.
import { useState } from "react";
import { Link, useParams } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { FormError } from "../ui/Field";
import { useListing } from "../listings/queries";
import { formatTime, localZone, money } from "../ui/format";
import { QueryView } from "../ui/states";
import { TicketQr } from "./TicketQr";
import { useBooking, useCancelBooking, type BookingDetail } from "./queries";

function Cancel({ booking }: { booking: BookingDetail }) {
  const [asked, setAsked] = useState(false);
  const cancel = useCancelBooking(booking.booking_id);
  if (!asked) {
    return (
      <button type="button" className="secondary" onClick={() => setAsked(true)}>
        Cancel this booking
      </button>
    );
  }
  return (
    <div className="card stack confirm-box" role="group" aria-labelledby="cancel-q">
      <p id="cancel-q">
        <strong>Cancel {booking.seats} {booking.seats === 1 ? "seat" : "seats"}?</strong> The tickets stop working and
        the seats go back on sale; the refund follows the listing's policy and is shown here once done.
      </p>
      <FormError error={cancel.error} fields={[]} />
      <div className="row">
        <button type="button" className="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
          {cancel.isPending ? "Cancelling…" : "Yes, cancel"}
        </button>
        <button type="button" className="secondary" onClick={() => setAsked(false)}>
          Keep it
        </button>
      </div>
    </div>
  );
}

function Booking({ booking }: { booking: BookingDetail }) {
  const cancelled = booking.status === "cancelled";
  // Times in the listing's own zone once it has loaded; the browser's (named) until then.
  const zone = useListing(booking.listing_id).data?.time_zone ?? localZone();
  return (
    <section className="stack">
      <p className="muted small">
        <Link to="/tickets">My tickets</Link> ›
      </p>
      <h1>{booking.listing_title}</h1>
      <div className="card">
        <p>
          {booking.seats} × {booking.ticket_type_name} · {money(booking.total)}
          {booking.starts_at ? ` · ${formatTime(booking.starts_at, zone)}` : ""}
        </p>
        {cancelled ? (
          <p className="form-error" data-testid="refund">
            Cancelled{booking.cancel_reason ? ` (${booking.cancel_reason})` : ""}. Refund:{" "}
            <strong>{money(booking.refund)}</strong>
          </p>
        ) : (
          <p className="muted small">Booked {formatTime(booking.confirmed_at, zone)}</p>
        )}
      </div>
      {!cancelled && (
        <>
          <h2>Tickets</h2>
          <div className="tickets">
            {booking.tickets.map((t) => (
              <TicketQr key={t.id} code={t.code} admitted={Boolean(t.checked_in_at)} />
            ))}
          </div>
          <Cancel booking={booking} />
        </>
      )}
    </section>
  );
}

function BookingScreen() {
  const { bookingId = "" } = useParams();
  const booking = useBooking(bookingId);
  return <QueryView query={booking} what="Loading the booking">{(b) => <Booking booking={b} />}</QueryView>;
}

export default function BookingPage() {
  return (
    <RequireSession>
      <BookingScreen />
    </RequireSession>
  );
}
