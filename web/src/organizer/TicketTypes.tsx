// The listing's ticket types with their counts; change a capacity, add a type.
import { useState, type FormEvent } from "react";
import { Field, FormError } from "../ui/Field";
import { money } from "../ui/format";
import { toTicketType, type TypeDraft } from "./form";
import { useAddTicketType, useChangeCapacity, type ListingDetail } from "./queries";
import { TypeFields } from "./TypeFields";
import { ApiError } from "../api/problem";

type TicketType = ListingDetail["ticket_types"][number];

function Capacity({ listingId, type }: { listingId: string; type: TicketType }) {
  const change = useChangeCapacity(listingId, type.id);
  const [value, setValue] = useState(String(type.capacity));
  return (
    <form
      className="row capacity-form"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate(Number(value));
      }}
    >
      <Field label={`Capacity of ${type.name}`} name="capacity" error={change.error}>
        {(p) => <input {...p} type="number" min={0} inputMode="numeric" value={value} onChange={(e) => setValue(e.target.value)} />}
      </Field>
      <button type="submit" className="secondary" disabled={change.isPending || value === String(type.capacity)}>
        Save
      </button>
      <FormError error={change.error} fields={["capacity"]} />
    </form>
  );
}

function AddType({ listingId, currency }: { listingId: string; currency: string }) {
  const add = useAddTicketType(listingId);
  const [draft, setDraft] = useState<TypeDraft>({ name: "", price: "", capacity: "" });
  const [localError, setLocalError] = useState<unknown>(null);
  const error = localError ?? add.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const one = toTicketType(draft, currency);
    if ("errors" in one) {
      setLocalError(new ApiError({ status: 422, detail: one.errors[0]?.message ?? "Check the ticket type.", errors: one.errors }));
      return;
    }
    setLocalError(null);
    add.mutate(one.body, { onSuccess: () => setDraft({ name: "", price: "", capacity: "" }) });
  };
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby="add-type-h">
      <h3 id="add-type-h">Add a ticket type</h3>
      <div className="type-row">
        <TypeFields draft={draft} currency={currency} prefix="" error={error} set={(c) => setDraft((d) => ({ ...d, ...c }))} />
      </div>
      <FormError error={error} fields={["name", "price.amount", "price.currency", "capacity"]} />
      <div>
        <button type="submit" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add ticket type"}
        </button>
      </div>
    </form>
  );
}

export function TicketTypes({ listing }: { listing: ListingDetail }) {
  const currency = listing.ticket_types[0]?.price.currency ?? "EUR";
  const open = listing.status !== "cancelled";
  return (
    <section className="stack" aria-labelledby="types-h">
      <h2 id="types-h">Ticket types</h2>
      <ul className="list">
        {listing.ticket_types.map((t) => (
          <li key={t.id} className="card" data-testid={`type-${t.name}`}>
            <div className="row spread">
              <h3>{t.name}</h3>
              <span>{money(t.price)}</span>
            </div>
            <p className="muted small">
              <span data-testid="capacity">{t.capacity}</span> seats · {t.sold} sold · {t.held} held · {t.free} free ·{" "}
              {t.waitlist_length} waiting
            </p>
            {open && <Capacity listingId={listing.id} type={t} />}
          </li>
        ))}
      </ul>
      {open && <AddType listingId={listing.id} currency={currency} />}
    </section>
  );
}
