// The door of one listing, phone first: type or scan a code, a large admitted /
// already admitted / unknown answer, undo of the last admission, and the count so far.
import { useRef, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { useAttendees, useManagedListing } from "../organizer/queries";
import { Field } from "../ui/Field";
import { formatTime } from "../ui/format";
import { admitted, cleanCode, notHere, onList, rejected, undone, type Answer } from "./answer";
import { useCheckIn } from "./queries";
import { canScan, Scanner } from "./Scanner";
import { Verdict } from "./Verdict";

function Counter({ attendees }: { attendees?: { checked_in: number; tickets: number } }) {
  if (!attendees) return null;
  return (
    <p className="door-count" data-testid="door-count">
      <strong>{attendees.checked_in}</strong> of {attendees.tickets} admitted
    </p>
  );
}

function Door({ listingId }: { listingId: string }) {
  const listing = useManagedListing(listingId);
  // Other doors admit too: the list (and its count) refreshes itself.
  const attendees = useAttendees(listingId, 10_000);
  const admit = useCheckIn();
  const undo = useCheckIn(true);
  const [code, setCode] = useState("");
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [lastAdmitted, setLastAdmitted] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const check = async (raw: string) => {
    const clean = cleanCode(raw);
    if (!clean) return;
    // The API admits any ticket of the organizer: a code not on this listing's list (read
    // again, in case it was booked a moment ago) is refused here, not let in.
    let list = attendees.data;
    if (list && !onList(list, clean)) list = (await attendees.refetch()).data;
    if (list && !onList(list, clean)) {
      setAnswer(notHere(clean));
      setCode("");
      input.current?.focus();
      return;
    }
    admit.mutate(clean, {
      onSuccess: () => {
        setAnswer(admitted(clean));
        setLastAdmitted(clean);
      },
      onError: (error) => setAnswer(rejected(clean, error, listing.data?.time_zone)),
      onSettled: () => {
        setCode("");
        input.current?.focus();
      },
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void check(code);
  };
  const undoLast = () => {
    if (!lastAdmitted) return;
    const last = lastAdmitted;
    undo.mutate(last, {
      onSuccess: () => {
        setAnswer(undone(last));
        setLastAdmitted(null);
      },
      onError: (error) => setAnswer(rejected(last, error, listing.data?.time_zone)),
    });
  };

  const zone = listing.data?.time_zone;
  return (
    <section className="door stack">
      <div>
        <p className="muted small flush">
          <Link to="/door">Door</Link> ›
        </p>
        <h1 className="flush">{listing.data?.title ?? "Check-in"}</h1>
        {listing.data && zone && <p className="muted small flush">{formatTime(listing.data.starts_at, zone)}</p>}
        <Counter attendees={attendees.data} />
      </div>
      <Verdict answer={answer} />
      <form className="door-form" onSubmit={submit}>
        <Field label="Ticket code" name="code" hint="Type it, or scan the QR code with the camera.">
          {(p) => (
            <input
              {...p}
              ref={input}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              autoFocus
            />
          )}
        </Field>
        <button type="submit" className="door-admit" disabled={admit.isPending || !code.trim()}>
          {admit.isPending ? "Checking…" : "Admit"}
        </button>
      </form>
      <div className="row">
        {canScan() &&
          (scanning ? null : (
            <button type="button" className="secondary" onClick={() => setScanning(true)}>
              Scan with the camera
            </button>
          ))}
        <button type="button" className="secondary" onClick={undoLast} disabled={!lastAdmitted || undo.isPending}>
          {lastAdmitted ? `Undo admission of ${lastAdmitted}` : "Undo last admission"}
        </button>
      </div>
      {scanning && <Scanner onCode={(c) => void check(c)} onStop={() => setScanning(false)} />}
    </section>
  );
}

function DoorScreen() {
  const { listingId = "" } = useParams();
  return <Door listingId={listingId} />;
}

export default function DoorCheckinPage() {
  return (
    <RequireSession>
      <DoorScreen />
    </RequireSession>
  );
}
