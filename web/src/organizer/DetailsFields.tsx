// The inputs of a listing's details: title, venue, category, time zone, event times and
// sales window (read in the chosen zone), per-booking limit.
import { Field } from "../ui/Field";
import type { DetailsDraft } from "./form";
import { zoneChoices } from "./zoned";

/** The API's names of the fields this component shows, for <FormError fields>. */
export const detailFields = [
  "title",
  "description",
  "category",
  "venue.name",
  "venue.address",
  "venue.city",
  "venue.country",
  "time_zone",
  "starts_at",
  "ends_at",
  "sales.opens_at",
  "sales.closes_at",
  "sales",
  "max_tickets_per_booking",
];

const zones = zoneChoices();

export function DetailsFields({
  draft,
  set,
  error,
}: {
  draft: DetailsDraft;
  set: (change: Partial<DetailsDraft>) => void;
  error: unknown;
}) {
  const inZone = `In ${draft.timeZone || "the listing's zone"}.`;
  const text = (label: string, name: string, key: keyof DetailsDraft, extra: { hint?: string; required?: boolean } = {}) => (
    <Field label={label} name={name} error={error} hint={extra.hint}>
      {(p) => <input {...p} value={draft[key]} required={extra.required ?? true} onChange={(e) => set({ [key]: e.target.value })} />}
    </Field>
  );
  const when = (label: string, name: string, key: keyof DetailsDraft) => (
    <Field label={label} name={name} error={error} hint={inZone}>
      {(p) => <input {...p} type="datetime-local" value={draft[key]} required onChange={(e) => set({ [key]: e.target.value })} />}
    </Field>
  );
  return (
    <>
      {text("Title", "title", "title")}
      <Field label="Description" name="description" error={error}>
        {(p) => <textarea {...p} rows={3} value={draft.description} onChange={(e) => set({ description: e.target.value })} />}
      </Field>
      {text("Category", "category", "category", { hint: "E.g. concert, theatre, talk." })}
      <fieldset className="form-grid">
        <legend>Venue</legend>
        {text("Venue name", "venue.name", "venueName")}
        {text("Street address", "venue.address", "address")}
        {text("City", "venue.city", "city")}
        {text("Country code", "venue.country", "country", { hint: "Two letters, e.g. FR." })}
      </fieldset>
      <fieldset className="form-grid">
        <legend>When</legend>
        <Field label="Time zone" name="time_zone" error={error} hint="Every time of this listing is in this zone.">
          {(p) => (
            <select {...p} value={draft.timeZone} onChange={(e) => set({ timeZone: e.target.value })}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
        {when("Starts", "starts_at", "startsAt")}
        {when("Ends", "ends_at", "endsAt")}
        {when("Sales open", "sales.opens_at", "opensAt")}
        {when("Sales close", "sales.closes_at", "closesAt")}
      </fieldset>
      <Field label="Most tickets per booking" name="max_tickets_per_booking" error={error} hint="1 to 100.">
        {(p) => (
          <input
            {...p}
            type="number"
            min={1}
            max={100}
            inputMode="numeric"
            value={draft.maxPerBooking}
            onChange={(e) => set({ maxPerBooking: e.target.value })}
          />
        )}
      </Field>
    </>
  );
}
