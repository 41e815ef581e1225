// The organizer's waiting room: turn it on with an opening time (in the listing's zone),
// a rate and an admission length, change them, or turn it off; and its live counts.
import { useState, type FormEvent } from "react";
import { ApiError } from "../api/problem";
import { Field, FormError } from "../ui/Field";
import { formatTime } from "../ui/format";
import { useSetWaitingRoom, type ListingDetail } from "./queries";
import { isoToZoned, zonedToIso } from "./zoned";

export function WaitingRoomSettings({ listing }: { listing: ListingDetail }) {
  const room = listing.waiting_room;
  const zone = listing.time_zone;
  const set = useSetWaitingRoom(listing.id);
  const [opensAt, setOpensAt] = useState(isoToZoned(room?.opens_at ?? listing.sales_opens_at, zone));
  const [rate, setRate] = useState(String(room?.admitted_per_minute ?? 100));
  const [minutes, setMinutes] = useState(String(room?.admission_minutes ?? 10));
  const [localError, setLocalError] = useState<unknown>(null);
  const error = localError ?? set.error;
  if (listing.status === "cancelled") return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const opens_at = zonedToIso(opensAt, zone);
    if (!opens_at) {
      setLocalError(new ApiError({ status: 422, detail: "Check the opening time.", errors: [{ field: "opens_at", message: "A date and time." }] }));
      return;
    }
    setLocalError(null);
    set.mutate({ enabled: true, opens_at, admitted_per_minute: Number(rate), admission_minutes: Number(minutes) });
  };
  return (
    <section className="card stack" aria-labelledby="room-h">
      <h2 id="room-h">Waiting room</h2>
      <p className="muted small" data-testid="room-summary">
        {room
          ? `On: opens ${formatTime(room.opens_at, zone)}, ${room.admitted_per_minute} let in a minute for ${room.admission_minutes} minutes each · ${room.waiting} waiting · ${room.admitted} let in · ${room.unused} admissions unused.`
          : "Off: anyone may hold seats while sales are open. Turn it on for a sale that will sell out in seconds."}
      </p>
      <form className="row" onSubmit={submit} noValidate aria-label="Waiting room">
        <Field label={`Opens at (${zone})`} name="opens_at" error={error}>
          {(p) => <input {...p} type="datetime-local" value={opensAt} onChange={(e) => setOpensAt(e.target.value)} />}
        </Field>
        <Field label="Let in per minute" name="admitted_per_minute" error={error}>
          {(p) => <input {...p} type="number" min={1} inputMode="numeric" value={rate} onChange={(e) => setRate(e.target.value)} />}
        </Field>
        <Field label="Minutes to buy once in" name="admission_minutes" error={error}>
          {(p) => <input {...p} type="number" min={1} max={60} inputMode="numeric" value={minutes} onChange={(e) => setMinutes(e.target.value)} />}
        </Field>
        <div className="row">
          <button type="submit" className="secondary" disabled={set.isPending}>
            {room ? "Save room" : "Turn the room on"}
          </button>
          {room && (
            <button type="button" className="secondary" disabled={set.isPending} onClick={() => set.mutate({ enabled: false })}>
              Turn it off
            </button>
          )}
        </div>
      </form>
      <FormError error={error} fields={["opens_at", "admitted_per_minute", "admission_minutes"]} />
    </section>
  );
}
