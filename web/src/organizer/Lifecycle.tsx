// Publish, close sales, cancel: the listing's next steps, cancelling behind a
// confirmation that says what happens to the bookings.
import { useState } from "react";
import { Field, FormError } from "../ui/Field";
import { useAttendees, useLifecycle, type ListingDetail } from "./queries";

function CancelListing({ listing, done }: { listing: ListingDetail; done: () => void }) {
  const lifecycle = useLifecycle(listing.id);
  const attendees = useAttendees(listing.id);
  const [reason, setReason] = useState("");
  const bookings = attendees.data?.bookings.filter((b) => b.status === "confirmed").length;
  const count =
    bookings === undefined ? "Every confirmed booking" : bookings === 1 ? "The 1 confirmed booking" : `All ${bookings} confirmed bookings`;
  return (
    <form
      className="card stack confirm-box"
      aria-labelledby="cancel-listing-q"
      onSubmit={(e) => {
        e.preventDefault();
        lifecycle.mutate({ action: "cancel", reason: reason.trim() }, { onSuccess: done });
      }}
    >
      <p id="cancel-listing-q">
        <strong>Cancel “{listing.title}”?</strong> {count} will be cancelled and refunded in full, every seat on hold is
        released, and each ticket holder is told your reason. This cannot be undone.
      </p>
      <Field label="Reason told to ticket holders" name="reason" error={lifecycle.error} hint="1 to 200 characters.">
        {(p) => <input {...p} value={reason} maxLength={200} required onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <FormError error={lifecycle.error} fields={["reason"]} />
      <div className="row">
        <button type="submit" className="danger" disabled={lifecycle.isPending}>
          {lifecycle.isPending ? "Cancelling…" : "Yes, cancel the listing"}
        </button>
        <button type="button" className="secondary" onClick={done}>
          Keep it
        </button>
      </div>
    </form>
  );
}

export function Lifecycle({ listing }: { listing: ListingDetail }) {
  const lifecycle = useLifecycle(listing.id);
  const [cancelling, setCancelling] = useState(false);
  const status = listing.status;
  if (status === "cancelled") {
    return (
      <p className="form-error" data-testid="cancelled">
        Cancelled{listing.cancel_reason ? `: ${listing.cancel_reason}` : ""}. Every booking was refunded.
      </p>
    );
  }
  if (cancelling) return <CancelListing listing={listing} done={() => setCancelling(false)} />;
  return (
    <div className="stack">
      <div className="row">
        {status === "draft" && (
          <button type="button" onClick={() => lifecycle.mutate({ action: "publish" })} disabled={lifecycle.isPending}>
            Publish
          </button>
        )}
        {status === "published" && (
          <button type="button" className="secondary" onClick={() => lifecycle.mutate({ action: "close" })} disabled={lifecycle.isPending}>
            Close sales
          </button>
        )}
        <button type="button" className="secondary danger-text" onClick={() => setCancelling(true)}>
          Cancel listing…
        </button>
      </div>
      <FormError error={lifecycle.error} fields={[]} />
    </div>
  );
}
