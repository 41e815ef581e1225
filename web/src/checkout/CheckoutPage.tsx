// Pay for a hold: the time left (from the server's `expires_at`, so right after a reload),
// a choice of sandbox cards, and the booking's ticket codes once paid.
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { useListing } from "../listings/queries";
import { TicketQr } from "../tickets/TicketQr";
import { Countdown } from "../ui/Countdown";
import { FormError } from "../ui/Field";
import { formatMoney, formatTime } from "../ui/format";
import { Empty, ErrorState, Loading } from "../ui/states";
import { useCountdown } from "../ui/useCountdown";
import { TEST_CARDS, useConfirm, useMyHolds, useRelease, type MyHold } from "./queries";

function Confirmed({ bookingId, codes }: { bookingId: string; codes: string[] }) {
  return (
    <section className="stack" aria-labelledby="done-heading">
      <h1 id="done-heading">You are going!</h1>
      <p className="notice" role="status">
        Booking confirmed: {codes.length} {codes.length === 1 ? "ticket" : "tickets"}. Show the codes at the door.
      </p>
      <div className="tickets">
        {codes.map((code) => (
          <TicketQr key={code} code={code} />
        ))}
      </div>
      <p>
        <Link to={`/bookings/${bookingId}`}>Booking details</Link> · <Link to="/tickets">All my tickets</Link>
      </p>
    </section>
  );
}

function Pay({
  hold,
  listingId,
  confirm,
  release,
}: {
  hold: MyHold;
  listingId: string;
  confirm: ReturnType<typeof useConfirm>;
  release: ReturnType<typeof useRelease>;
}) {
  const listing = useListing(listingId);
  const [card, setCard] = useState<string>(TEST_CARDS[0].token);
  const left = useCountdown(hold.expires_at);
  const type = listing.data?.ticket_types.find((t) => t.id === hold.ticket_type_id);
  const zone = listing.data?.time_zone ?? "UTC";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate(card);
  };
  return (
    <section className="stack checkout">
      <h1>Checkout</h1>
      <div className="card">
        <div className="row spread">
          <div>
            <h2 className="flush">{hold.listing_title ?? listing.data?.title}</h2>
            {hold.starts_at && <p className="muted small">{formatTime(hold.starts_at, zone)}</p>}
          </div>
          <Countdown expiresAt={hold.expires_at} label="Seats held for" expiredText="The hold has expired" />
        </div>
        <p>
          {hold.seats} × {hold.ticket_type_name ?? type?.name}
          {type && (
            <>
              {" "}
              = <strong data-testid="total">{formatMoney(type.price.amount_minor * hold.seats, type.price.currency)}</strong>
            </>
          )}
        </p>
      </div>
      {left > 0 ? (
        <form className="card form" onSubmit={submit} noValidate aria-label="Pay">
          <FormError error={confirm.error} fields={["payment_token"]} />
          <fieldset>
            <legend>Test card (sandbox payments)</legend>
            {TEST_CARDS.map((c) => (
              <label key={c.token} className="check">
                <input type="radio" name="card" value={c.token} checked={card === c.token} onChange={() => setCard(c.token)} />
                {c.label}
              </label>
            ))}
          </fieldset>
          <div className="row">
            <button type="submit" disabled={confirm.isPending}>
              {confirm.isPending ? "Paying…" : "Pay and book"}
            </button>
            <button type="button" className="secondary" onClick={() => release.mutate()} disabled={release.isPending || confirm.isPending}>
              Release the seats
            </button>
          </div>
          {release.error ? <ErrorState error={release.error} /> : null}
        </form>
      ) : (
        <Empty title="These seats went back on sale.">
          <p>
            <Link to={`/listings/${listingId}`}>Hold them again</Link>
          </p>
        </Empty>
      )}
    </section>
  );
}

function Checkout() {
  const { listingId = "", holdId = "" } = useParams();
  const holds = useMyHolds();
  // Owned here, not by the form: once paid the hold leaves `/me/holds`, and the answer
  // (the ticket codes) must outlive it.
  const confirm = useConfirm(listingId, holdId);
  const release = useRelease(listingId, holdId);
  if (confirm.isSuccess) return <Confirmed bookingId={confirm.data.booking_id} codes={confirm.data.ticket_codes} />;
  if (release.isSuccess) {
    return (
      <Empty title="Seats released.">
        <p>
          <Link to={`/listings/${listingId}`}>Back to the listing</Link>
        </p>
      </Empty>
    );
  }
  if (holds.isPending) return <Loading what="Loading your hold" />;
  if (holds.error) return <ErrorState error={holds.error} retry={() => void holds.refetch()} />;
  const hold = holds.data.find((h) => h.hold_id === holdId);
  if (!hold) {
    return (
      <Empty title="This hold is no longer open.">
        <p className="muted">It was paid, released or it expired.</p>
        <p>
          <Link to="/tickets">My tickets</Link> · <Link to={`/listings/${listingId}`}>The listing</Link>
        </p>
      </Empty>
    );
  }
  return <Pay hold={hold} listingId={listingId} confirm={confirm} release={release} />;
}

export default function CheckoutPage() {
  return (
    <RequireSession>
      <Checkout />
    </RequireSession>
  );
}
