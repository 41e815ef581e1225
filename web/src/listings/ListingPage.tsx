// One listing: details in its own time zone, ticket types with free/held/sold counts
// that move live (SSE), a form to hold seats (through a waiting room, with the admission
// token from the live place), and the waitlist for sold-out types.
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useSession } from "../account/useSession";
import { useHoldSeats, useMyHolds } from "../checkout/queries";
import { Countdown } from "../ui/Countdown";
import { JoinWaitlist } from "../tickets/JoinWaitlist";
import { Field, FormError } from "../ui/Field";
import { formatTime, money } from "../ui/format";
import { QueryView } from "../ui/states";
import { SeatsBadge } from "./ListingCard";
import { useListing, useLiveAvailability, type Listing, type LiveState } from "./queries";
import { admissionToken, useLivePlace } from "./place";
import { WaitingRoom } from "./WaitingRoom";

function LiveBadge({ state }: { state: LiveState }) {
  const text = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" }[state];
  return (
    <span className={state === "live" ? "badge ok" : "badge warn"} data-testid="live-state">
      {text}
    </span>
  );
}

function TicketTypes({ listing }: { listing: Listing }) {
  return (
    <div className="table-wrap">
      <table data-testid="ticket-types">
        <caption className="sr-only">Ticket types and seats</caption>
        <thead>
          <tr>
            <th scope="col">Ticket type</th>
            <th scope="col" className="num">Price</th>
            <th scope="col" className="num">Free</th>
            <th scope="col" className="num">Held</th>
            <th scope="col" className="num">Sold</th>
          </tr>
        </thead>
        <tbody>
          {listing.ticket_types.map((t) => (
            <tr key={t.id} data-testid={`type-${t.name}`}>
              <th scope="row">{t.name}</th>
              <td className="num">{t.price.amount_minor === 0 ? "Free" : money(t.price)}</td>
              <td className="num" data-testid="free">{t.free}</td>
              <td className="num" data-testid="held">{t.held}</td>
              <td className="num" data-testid="sold">{t.sold}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Holds seats; through a waiting room, with the admission token the place stream gave. */
function HoldForm({ listing, admissionToken }: { listing: Listing; admissionToken?: string }) {
  const open = listing.ticket_types.filter((t) => t.free > 0);
  const [typeId, setTypeId] = useState(open[0]?.id ?? "");
  const [seats, setSeats] = useState(1);
  const hold = useHoldSeats(listing.id);
  const navigate = useNavigate();
  const max = Math.max(1, Math.min(listing.max_tickets_per_booking, listing.buyer_limits.max_seats));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    hold.mutate(
      { ticket_type_id: typeId, seats, ...(admissionToken ? { admission_token: admissionToken } : {}) },
      { onSuccess: (h) => navigate(`/checkout/${listing.id}/${h.hold_id}`) },
    );
  };
  if (open.length === 0) return <p className="muted">Every ticket type is sold out; join a waitlist below.</p>;
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Hold seats">
      <FormError error={hold.error} fields={["ticket_type_id", "seats"]} />
      <Field label="Ticket type" name="ticket_type_id" error={hold.error}>
        {(p) => (
          <select {...p} value={typeId} onChange={(e) => setTypeId(e.target.value)}>
            {open.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} – {t.price.amount_minor === 0 ? "free" : money(t.price)} ({t.free} free)
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Seats" name="seats" error={hold.error} hint={`Up to ${max} per booking; at most ${listing.buyer_limits.max_seats} per buyer on this listing, across all bookings.`}>
        {(p) => (
          <input {...p} type="number" min={1} max={max} value={seats} onChange={(e) => setSeats(Number(e.target.value))} />
        )}
      </Field>
      <div>
        <button type="submit" disabled={hold.isPending || !typeId}>
          {hold.isPending ? "Holding…" : "Hold seats"}
        </button>
      </div>
    </form>
  );
}

/** The caller's open holds on this listing, so a reload or a second visit finds them. */
function MyHoldsHere({ listingId }: { listingId: string }) {
  const holds = useMyHolds();
  const here = (holds.data ?? []).filter((h) => h.listing_id === listingId && h.kind === "hold");
  if (here.length === 0) return null;
  return (
    <div className="notice stack" data-testid="my-holds-here">
      {here.map((h) => (
        <p key={h.hold_id} className="row spread">
          <span>
            You hold {h.seats} × {h.ticket_type_name}.{" "}
            <Countdown expiresAt={h.expires_at} label="Time left" />
          </span>
          <Link className="button" to={`/checkout/${listingId}/${h.hold_id}`}>
            Pay now
          </Link>
        </p>
      ))}
    </div>
  );
}

function Detail({ listing, live }: { listing: Listing; live: LiveState }) {
  const session = useSession();
  const zone = listing.time_zone;
  const soldOut = listing.ticket_types.filter((t) => t.free <= 0);
  const selling = listing.status === "published";
  // One live place stream per page: the room card shows it, and the hold form starts
  // afresh (no stale "still in the waiting room") when it changes.
  const room = useLivePlace(listing.id, selling && Boolean(session) && Boolean(listing.waiting_room));
  return (
    <article className="stack">
      <div>
        <p className="muted small">
          <Link to="/">Browse</Link> › {listing.category}
        </p>
        <h1>{listing.title}</h1>
        <p>
          <strong>{formatTime(listing.starts_at, zone)}</strong>
          <span className="muted"> until {formatTime(listing.ends_at, zone)}</span>
        </p>
        <p className="muted">
          {listing.venue.name}, {listing.venue.address}, {listing.venue.city} ({listing.venue.country})
        </p>
        {listing.description && <p>{listing.description}</p>}
        {listing.cancel_reason && <p className="form-error">Cancelled: {listing.cancel_reason}</p>}
      </div>
      <div className="card">
        <div className="row spread">
          <h2 className="flush">Seats</h2>
          <div className="row">
            <SeatsBadge free={listing.seats_free} status={listing.status} />
            <LiveBadge state={live} />
          </div>
        </div>
        <TicketTypes listing={listing} />
        <p className="muted small">Sales close {formatTime(listing.sales_closes_at, zone)}.</p>
      </div>
      {selling && listing.waiting_room && (
        <WaitingRoom
          listingId={listing.id}
          room={listing.waiting_room}
          zone={zone}
          signedIn={Boolean(session)}
          live={room}
        />
      )}
      {session && <MyHoldsHere listingId={listing.id} />}
      {selling && (
        <div className="card">
          <h2 className="flush">Book</h2>
          {session ? (
            <HoldForm key={room.place?.status ?? "none"} listing={listing} admissionToken={admissionToken(room.place)} />
          ) : (
            <p>
              <Link to={`/login?next=/listings/${listing.id}`}>Log in</Link> or{" "}
              <Link to={`/register?next=/listings/${listing.id}`}>register</Link> to hold seats.
            </p>
          )}
        </div>
      )}
      {selling && session && soldOut.length > 0 && (
        <div className="card">
          <h2 className="flush">Waitlist</h2>
          {soldOut.map((t) => (
            <JoinWaitlist key={t.id} listing={listing} ticketType={t} />
          ))}
        </div>
      )}
    </article>
  );
}

export default function ListingPage() {
  const { listingId = "" } = useParams();
  const listing = useListing(listingId);
  const live = useLiveAvailability(listingId);
  return (
    <QueryView query={listing} what="Loading the listing">
      {(data) => <Detail listing={data} live={live} />}
    </QueryView>
  );
}
