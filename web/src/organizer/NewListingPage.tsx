// A new listing: its details, several ticket types and a sales window in a chosen zone.
// It is created as a draft; publishing is a step of its own.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { Field, FormError } from "../ui/Field";
import { localZone } from "../ui/format";
import { DetailsFields, detailFields } from "./DetailsFields";
import { blankDetails, toNewListing, type DetailsDraft, type TypeDraft } from "./form";
import { useCreateListing } from "./queries";
import { currencies, TypeFields } from "./TypeFields";

const blankType: TypeDraft = { name: "", price: "", capacity: "" };

function NewListing() {
  const navigate = useNavigate();
  const create = useCreateListing();
  const [draft, setDraft] = useState<DetailsDraft>(() => blankDetails(localZone()));
  const [types, setTypes] = useState<TypeDraft[]>([{ ...blankType }]);
  const [currency, setCurrency] = useState("EUR");
  const [localError, setLocalError] = useState<unknown>(null);
  const error = localError ?? create.error;
  const typeFields = types.flatMap((_, i) => ["name", "price.amount", "price.currency", "capacity"].map((f) => `ticket_types[${i}].${f}`));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = toNewListing(draft, types, currency);
    if ("error" in result) {
      setLocalError(result.error);
      return;
    }
    setLocalError(null);
    create.mutate(result.body, { onSuccess: (created) => navigate(`/organizer/listings/${created.listing_id}`) });
  };

  return (
    <section className="stack">
      <p className="muted small">
        <Link to="/organizer">My listings</Link> ›
      </p>
      <h1>New listing</h1>
      <form className="form wide" onSubmit={submit} noValidate>
        <FormError error={error} fields={[...detailFields, ...typeFields, "currency"]} />
        <DetailsFields draft={draft} set={(c) => setDraft((d) => ({ ...d, ...c }))} error={error} />
        <fieldset className="stack">
          <legend>Ticket types</legend>
          <Field label="Currency" name="currency" error={error} hint="Every price of this listing is in it.">
            {(p) => (
              <select {...p} value={currency} onChange={(e) => setCurrency(e.target.value)}>
                {currencies.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            )}
          </Field>
          {types.map((t, i) => (
            <div className="type-row" key={i} role="group" aria-label={`Ticket type ${i + 1}`}>
              <TypeFields
                draft={t}
                currency={currency}
                prefix={`ticket_types[${i}].`}
                error={error}
                set={(c) => setTypes((all) => all.map((x, j) => (j === i ? { ...x, ...c } : x)))}
              />
              {types.length > 1 && (
                <button type="button" className="secondary" onClick={() => setTypes((all) => all.filter((_, j) => j !== i))}>
                  Remove<span className="sr-only"> ticket type {i + 1}</span>
                </button>
              )}
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => setTypes((all) => [...all, { ...blankType }])}>
            Add a ticket type
          </button>
        </fieldset>
        {Boolean(error) && <p className="save-note">Not saved: see the message at the top of the form.</p>}
        <div className="row">
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create draft"}
          </button>
          <Link to="/organizer">Cancel</Link>
        </div>
      </form>
    </section>
  );
}

export default function NewListingPage() {
  return (
    <RequireSession>
      <NewListing />
    </RequireSession>
  );
}
