// The way to a listing's door: an organizer picks one of their listings on sale; door
// staff (who cannot list their organizer's listings) open the door link or paste its id.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { useSession } from "../account/useSession";
import { useMyListings } from "../organizer/queries";
import { Field } from "../ui/Field";
import { formatDate, localZone } from "../ui/format";
import { Empty, QueryView } from "../ui/states";

function Pick() {
  const listings = useMyListings();
  return (
    <QueryView query={listings} what="Loading your listings">
      {(page) => {
        const open = page.items.filter((l) => l.status === "published" || l.status === "sales_closed");
        return open.length === 0 ? (
          <Empty title="Nothing to check in">
            <p>Published listings show here.</p>
          </Empty>
        ) : (
          <ul className="list">
            {open.map((l) => (
              <li key={l.id} className="card row spread">
                <span>
                  <strong>{l.title}</strong>
                  <span className="muted small"> · {formatDate(l.starts_at, localZone())} · {l.city}</span>
                </span>
                <Link className="button" to={`/door/${l.id}`}>
                  Open the door<span className="sr-only"> of {l.title}</span>
                </Link>
              </li>
            ))}
          </ul>
        );
      }}
    </QueryView>
  );
}

function ById() {
  const navigate = useNavigate();
  const [text, setText] = useState("");
  const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(text)?.[0];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (id) navigate(`/door/${id}`);
  };
  return (
    <form className="form card" onSubmit={submit}>
      <Field label="Door link or listing id" name="listing" hint="Your organizer shares it from the listing's page.">
        {(p) => <input {...p} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      <div>
        <button type="submit" disabled={!id}>
          Open the door
        </button>
      </div>
    </form>
  );
}

function DoorHome() {
  const role = useSession()?.role;
  return (
    <section className="stack door">
      <h1>Door check-in</h1>
      {role === "staff" ? <ById /> : <Pick />}
    </section>
  );
}

export default function DoorPage() {
  return (
    <RequireSession>
      <DoorHome />
    </RequireSession>
  );
}
