// The organizer's listings, drafts too, with their status and sales, and the way to a
// new one.
import { Link } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { formatDate, localZone } from "../ui/format";
import { Empty, QueryView } from "../ui/states";
import { StatusBadge } from "./StatusBadge";
import { useMyListings } from "./queries";

function MyListings() {
  const listings = useMyListings();
  return (
    <section className="stack">
      <div className="row spread">
        <h1 className="flush">My listings</h1>
        <Link className="button" to="/organizer/new">
          New listing
        </Link>
      </div>
      <QueryView query={listings} what="Loading your listings">
        {(page) =>
          page.items.length === 0 ? (
            <Empty title="No listings yet">
              <p>Create your first listing: it stays a draft until you publish it.</p>
            </Empty>
          ) : (
            <div className="table-wrap card" tabIndex={0} role="region" aria-label="Your listings">
              <table>
                <caption className="sr-only">Your listings</caption>
                <thead>
                  <tr>
                    <th scope="col">Listing</th>
                    <th scope="col">Status</th>
                    <th scope="col">Date</th>
                    <th scope="col" className="num">
                      Sold
                    </th>
                    <th scope="col" className="num">
                      Free
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((l) => (
                    <tr key={l.id} data-testid="my-listing">
                      <th scope="row">
                        <Link to={`/organizer/listings/${l.id}`}>{l.title}</Link>
                        <div className="muted small">{l.city}</div>
                      </th>
                      <td>
                        <StatusBadge status={l.status} />
                      </td>
                      {/* The list carries no zone; the date alone, in the browser's zone, named on the listing. */}
                      <td>{formatDate(l.starts_at, localZone())}</td>
                      <td className="num">
                        {l.seats_sold} / {l.capacity}
                      </td>
                      <td className="num">{l.seats_free}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}

export default function OrganizerPage() {
  return (
    <RequireSession>
      <MyListings />
    </RequireSession>
  );
}
