// Join the waitlist of a sold-out ticket type with a party size.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import type { Listing } from "../listings/queries";
import { Field, FormError } from "../ui/Field";
import { useJoinWaitlist } from "./queries";

export function JoinWaitlist({ listing, ticketType }: { listing: Listing; ticketType: Listing["ticket_types"][number] }) {
  const [party, setParty] = useState(1);
  const join = useJoinWaitlist(listing.id);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    join.mutate({ ticket_type_id: ticketType.id, party_size: party });
  };
  if (join.isSuccess) {
    return (
      <p className="notice" role="status" data-testid="waitlist-joined">
        You are on the waitlist for {ticketType.name} ({join.data.waitlist_length} waiting).{" "}
        <Link to="/tickets">See your place</Link>
      </p>
    );
  }
  return (
    <form className="row waitlist-form" onSubmit={submit} noValidate aria-label={`Join the waitlist for ${ticketType.name}`}>
      <p className="grow">
        <strong>{ticketType.name}</strong> is sold out
        {ticketType.waitlist_length > 0 ? ` · ${ticketType.waitlist_length} waiting` : ""}.
      </p>
      <Field label="Party size" name="party_size" error={join.error}>
        {(p) => <input {...p} type="number" min={1} max={100} value={party} onChange={(e) => setParty(Number(e.target.value))} />}
      </Field>
      <button type="submit" disabled={join.isPending}>
        Join the waitlist
      </button>
      <FormError error={join.error} fields={["party_size"]} />
    </form>
  );
}
