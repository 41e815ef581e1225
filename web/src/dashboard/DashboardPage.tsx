// The organizer's dashboard: totals per currency over all their listings, the best
// sellers, and the way to each listing's own figures.
import { Link } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { useMyListings } from "../organizer/queries";
import { Empty, QueryView } from "../ui/states";
import { useOrganizerAnalytics } from "./queries";
import { Totals } from "./Totals";
import { TopListings } from "./TopListings";

function ListingLinks() {
  const listings = useMyListings();
  return (
    <QueryView query={listings} what="Loading your listings">
      {(page) =>
        page.items.length === 0 ? (
          <Empty title="No listings yet">
            <p>
              <Link to="/organizer/new">Create a listing</Link> to see its sales here.
            </p>
          </Empty>
        ) : (
          <ul className="list columns">
            {page.items.map((l) => (
              <li key={l.id}>
                <Link to={`/dashboard/${l.id}`}>{l.title}</Link>{" "}
                <span className="muted small">
                  {l.seats_sold} of {l.capacity} sold
                </span>
              </li>
            ))}
          </ul>
        )
      }
    </QueryView>
  );
}

function Dashboard() {
  const analytics = useOrganizerAnalytics();
  return (
    <section className="stack">
      <h1>Sales dashboard</h1>
      <QueryView query={analytics} what="Loading your figures">
        {(a) => (
          <>
            {a.totals.length === 0 ? <Empty title="No sales yet">Figures show once a listing is published.</Empty> : a.totals.map((t) => <Totals key={t.currency} t={t} />)}
            <h2>Top listings</h2>
            <TopListings items={a.top_listings} />
          </>
        )}
      </QueryView>
      <h2>Each listing</h2>
      <ListingLinks />
    </section>
  );
}

export default function DashboardPage() {
  return (
    <RequireSession>
      <Dashboard />
    </RequireSession>
  );
}
