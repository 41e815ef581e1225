// My tickets: open holds with time left, bookings, and waitlist entries with their place
// and any open offer (countdown, accept, decline).
import { useState } from "react";
import { Link } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { TEST_CARDS, useMyHolds } from "../checkout/queries";
import { Countdown } from "../ui/Countdown";
import { FormError } from "../ui/Field";
import { formatTime, localZone, money } from "../ui/format";
import { Empty, QueryView } from "../ui/states";
import { useMyBookings, useMyWaitlist, useWaitlistAction, type MyWaitlistEntry } from "./queries";

function Holds() {
  const holds = useMyHolds();
  return (
    <QueryView query={holds} what="Loading your holds">
      {(all) => {
        const mine = all.filter((h) => h.kind === "hold");
        if (mine.length === 0) return <Empty title="No seats on hold." />;
        return (
          <ul className="list" data-testid="holds">
            {mine.map((h) => (
              <li key={h.hold_id} className="card row spread">
                <div>
                  <strong>{h.listing_title}</strong>
                  <p className="muted small">
                    {h.seats} × {h.ticket_type_name}
                  </p>
                </div>
                <div className="row">
                  <Countdown expiresAt={h.expires_at} label="Time left" />
                  <Link className="button" to={`/checkout/${h.listing_id}/${h.hold_id}`}>
                    Pay
                  </Link>
                </div>
              </li>
            ))}
          </ul>
        );
      }}
    </QueryView>
  );
}

function Bookings() {
  const bookings = useMyBookings();
  return (
    <QueryView query={bookings} what="Loading your bookings">
      {(page) =>
        page.items.length === 0 ? (
          <Empty title="No bookings yet.">
            <p>
              <Link to="/">Find something to go to</Link>
            </p>
          </Empty>
        ) : (
          <ul className="list" data-testid="bookings">
            {page.items.map((b) => (
              <li key={b.booking_id} className="card row spread" data-testid="booking">
                <div>
                  <Link to={`/bookings/${b.booking_id}`}>
                    <strong>{b.listing_title}</strong>
                  </Link>
                  <p className="muted small">
                    {b.seats} × {b.ticket_type_name}
                    {b.starts_at ? ` · ${formatTime(b.starts_at, localZone())}` : ""}
                  </p>
                </div>
                <div className="row">
                  <span>{money(b.total)}</span>
                  {b.status === "cancelled" ? (
                    <span className="badge bad">Cancelled{b.refund ? `, ${money(b.refund)} refunded` : ""}</span>
                  ) : (
                    <span className="badge ok">{b.tickets} {b.tickets === 1 ? "ticket" : "tickets"}</span>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )
      }
    </QueryView>
  );
}

/** Tells the page what just happened; the entry it came from may be gone by then. */
type Notify = (text: string) => void;

function Offer({ entry, notify }: { entry: MyWaitlistEntry; notify: Notify }) {
  const action = useWaitlistAction(entry.listing_id, entry.entry_id);
  const [card, setCard] = useState<string>(TEST_CARDS[0].token);
  const done = (what: "accept" | "decline") => () =>
    notify(what === "accept" ? "Offer accepted: your tickets are under Bookings." : "Offer declined: the seats go to the next in line.");
  return (
    <div className="offer stack" data-testid="offer">
      <p>
        <strong>Seats are yours if you want them.</strong>{" "}
        {entry.offer_expires_at && <Countdown expiresAt={entry.offer_expires_at} label="Offer open for" />}
      </p>
      <FormError error={action.error} fields={[]} />
      <div className="row">
        <label className="field small-field">
          <span>Card</span>
          <select value={card} onChange={(e) => setCard(e.target.value)}>
            {TEST_CARDS.map((c) => (
              <option key={c.token} value={c.token}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => action.mutate({ action: "accept", card }, { onSuccess: done("accept") })} disabled={action.isPending}>
          Accept and pay
        </button>
        <button type="button" className="secondary" onClick={() => action.mutate({ action: "decline" }, { onSuccess: done("decline") })} disabled={action.isPending}>
          Decline
        </button>
      </div>
    </div>
  );
}

function WaitingEntry({ entry, notify }: { entry: MyWaitlistEntry; notify: Notify }) {
  const leave = useWaitlistAction(entry.listing_id, entry.entry_id);
  return (
    <li className="card stack" data-testid="waitlist-entry">
      <div className="row spread">
        <div>
          <Link to={`/listings/${entry.listing_id}`}>
            <strong>{entry.listing_title}</strong>
          </Link>
          <p className="muted small">Party of {entry.party_size}</p>
        </div>
        {entry.status === "waiting" ? (
          <div className="row">
            <span className="badge" data-testid="waitlist-position">
              #{entry.position} in line
            </span>
            <button type="button" className="secondary" onClick={() => leave.mutate({ action: "leave" })} disabled={leave.isPending}>
              Leave
            </button>
          </div>
        ) : (
          <span className="badge ok">Offer</span>
        )}
      </div>
      {entry.status === "offered" && <Offer entry={entry} notify={notify} />}
      <FormError error={leave.error} fields={[]} />
    </li>
  );
}

function Waitlist({ notify }: { notify: Notify }) {
  const waitlist = useMyWaitlist();
  return (
    <QueryView query={waitlist} what="Loading your waitlist entries">
      {(entries) =>
        entries.length === 0 ? (
          <Empty title="You are on no waitlist." />
        ) : (
          <ul className="list" data-testid="waitlist">
            {entries.map((e) => (
              <WaitingEntry key={e.entry_id} entry={e} notify={notify} />
            ))}
          </ul>
        )
      }
    </QueryView>
  );
}

export default function MyTicketsPage() {
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <RequireSession>
      <section className="stack">
        <h1>My tickets</h1>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <h2>On hold</h2>
        <Holds />
        <h2>Bookings</h2>
        <Bookings />
        <h2>Waitlists</h2>
        <Waitlist notify={setNotice} />
      </section>
    </RequireSession>
  );
}
