// One search result.
import { Link } from "react-router";
import { formatTime, money } from "../ui/format";
import type { ListingSummary } from "./queries";

/** How full a listing is, as a badge. */
export function SeatsBadge({ free, status }: { free: number; status: string }) {
  if (status === "cancelled") return <span className="badge bad">Cancelled</span>;
  if (status === "sales_closed") return <span className="badge">Sales closed</span>;
  if (free <= 0) return <span className="badge bad">Sold out</span>;
  if (free <= 10) return <span className="badge warn">{free} left</span>;
  return <span className="badge ok">{free} free</span>;
}

export function ListingCard({ listing }: { listing: ListingSummary }) {
  const from = listing.min_price;
  return (
    <article className="card listing-card" data-testid="listing-card">
      <p className="muted small">
        {listing.category} · {listing.city}, {listing.country}
      </p>
      <h3>
        <Link to={`/listings/${listing.id}`}>{listing.title}</Link>
      </h3>
      <p className="small">{formatTime(listing.starts_at, listing.time_zone)}</p>
      <p className="small muted">{listing.venue}</p>
      <div className="row spread">
        <span>{from ? (from.amount_minor === 0 ? "Free" : `from ${money(from)}`) : "–"}</span>
        <SeatsBadge free={listing.seats_free} status={listing.status} />
      </div>
    </article>
  );
}
