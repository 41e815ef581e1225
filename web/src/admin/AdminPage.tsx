// The admin's screen: the platform at a glance, actions on an account, and the health
// of the projections behind every read.
import { RequireSession } from "../account/RequireSession";
import { Totals } from "../dashboard/Totals";
import { TopListings } from "../dashboard/TopListings";
import { QueryView } from "../ui/states";
import { AccountActions } from "./AccountActions";
import { Operations } from "./Operations";
import { useOverview } from "./queries";

const counters: [string, string][] = [
  ["accounts", "Accounts"],
  ["role:customer", "Customers"],
  ["role:organizer", "Organizers"],
  ["role:staff", "Door staff"],
  ["role:admin", "Admins"],
  ["suspended", "Suspended"],
  ["listings", "Listings"],
];

function Overview() {
  const overview = useOverview();
  return (
    <section className="stack" aria-labelledby="overview-h">
      <h2 id="overview-h">Platform</h2>
      <QueryView query={overview} what="Loading the overview">
        {(o) => (
          <>
            <dl className="stats">
              {counters.map(([key, label]) => (
                <div className="stat card" key={key}>
                  <dt>{label}</dt>
                  <dd className="stat-value" data-testid={`metric-${key}`}>
                    {o.metrics[key] ?? 0}
                  </dd>
                </div>
              ))}
            </dl>
            <p>
              Listings by status:{" "}
              {Object.entries(o.listings_by_status).map(([status, n], i) => (
                <span key={status}>
                  {i > 0 && " · "}
                  {status.replace("_", " ")} <strong>{n}</strong>
                </span>
              ))}
            </p>
            {o.totals.map((t) => (
              <Totals key={t.currency} t={t} />
            ))}
            <h3>Top listings</h3>
            <TopListings items={o.top_listings} />
          </>
        )}
      </QueryView>
    </section>
  );
}

function Admin() {
  return (
    <section className="stack">
      <h1>Admin</h1>
      <Overview />
      <AccountActions />
      <Operations />
    </section>
  );
}

export default function AdminPage() {
  return (
    <RequireSession>
      <Admin />
    </RequireSession>
  );
}
