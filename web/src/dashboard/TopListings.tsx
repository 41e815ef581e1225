// The listings that took the most money.
import { Link } from "react-router";
import { money } from "../ui/format";
import { Empty } from "../ui/states";
import type { TopListing } from "./queries";
import { StatusBadge } from "../organizer/StatusBadge";

export function TopListings({ items, link = true }: { items: TopListing[]; link?: boolean }) {
  if (items.length === 0) return <Empty title="No sales yet" />;
  return (
    <div className="table-wrap card" tabIndex={0} role="region" aria-label="Top listings">
      <table>
        <caption className="sr-only">Top listings by revenue</caption>
        <thead>
          <tr>
            <th scope="col">Listing</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Seats sold
            </th>
            <th scope="col" className="num">
              Revenue
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.listing_id} data-testid="top-listing">
              <th scope="row">{link ? <Link to={`/dashboard/${t.listing_id}`}>{t.title}</Link> : t.title}</th>
              <td>
                <StatusBadge status={t.status} />
              </td>
              <td className="num">{t.seats_sold}</td>
              <td className="num">{money(t.revenue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
