// The inputs of one ticket type: name, price (in the currency's units), seats.
import { Field } from "../ui/Field";
import type { TypeDraft } from "./form";

export function TypeFields({
  draft,
  set,
  error,
  prefix,
  currency,
}: {
  draft: TypeDraft;
  set: (change: Partial<TypeDraft>) => void;
  error: unknown;
  /** The JSON path prefix of these fields in the API's errors, e.g. `ticket_types[0].`. */
  prefix: string;
  currency: string;
}) {
  return (
    <>
      <Field label="Ticket type" name={`${prefix}name`} error={error}>
        {(p) => <input {...p} value={draft.name} required onChange={(e) => set({ name: e.target.value })} />}
      </Field>
      <Field label={`Price (${currency})`} name={`${prefix}price.amount`} error={error} hint="0 for free.">
        {(p) => <input {...p} inputMode="decimal" value={draft.price} required onChange={(e) => set({ price: e.target.value })} />}
      </Field>
      <Field label="Seats" name={`${prefix}capacity`} error={error}>
        {(p) => (
          <input {...p} type="number" min={0} inputMode="numeric" value={draft.capacity} required onChange={(e) => set({ capacity: e.target.value })} />
        )}
      </Field>
    </>
  );
}

/** Currencies offered for prices. */
export const currencies = ["EUR", "GBP", "USD", "CHF", "JPY"];
