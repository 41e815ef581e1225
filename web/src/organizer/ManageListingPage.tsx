// One of the organizer's listings: its status and next step, details (editable), ticket
// types (capacity, new types), per-buyer limits and attendees with their check-in status.
import { useState } from "react";
import { Link, useParams } from "react-router";
import { RequireSession } from "../account/RequireSession";
import { formatTime } from "../ui/format";
import { QueryView } from "../ui/states";
import { AttendeesList } from "./AttendeesList";
import { BuyerLimits } from "./BuyerLimits";
import { WaitingRoomSettings } from "./WaitingRoomSettings";
import { EditDetails } from "./EditDetails";
import { Lifecycle } from "./Lifecycle";
import { StatusBadge } from "./StatusBadge";
import { TicketTypes } from "./TicketTypes";
import { useManagedListing, type ListingDetail } from "./queries";

function Manage({ listing }: { listing: ListingDetail }) {
  const [editing, setEditing] = useState(false);
  const z = listing.time_zone;
  return (
    <section className="stack">
      <p className="muted small">
        <Link to="/organizer">My listings</Link> ›
      </p>
      <div className="row spread">
        <h1 className="flush">{listing.title}</h1>
        <StatusBadge status={listing.status} />
      </div>
      <div className="card stack">
        <p>
          {formatTime(listing.starts_at, z)} to {formatTime(listing.ends_at, z)}
          <br />
          {listing.venue.name}, {listing.venue.address}, {listing.venue.city} ({listing.venue.country}) · {listing.category}
        </p>
        <p className="muted small">
          Sales from {formatTime(listing.sales_opens_at, z)} to {formatTime(listing.sales_closes_at, z)} · at most{" "}
          {listing.max_tickets_per_booking} per booking · {listing.seats_sold} of {listing.capacity} sold
        </p>
        <div className="row">
          {listing.status !== "cancelled" && !editing && (
            <button type="button" className="secondary" onClick={() => setEditing(true)}>
              Edit details
            </button>
          )}
          {listing.status !== "draft" && <Link to={`/listings/${listing.id}`}>Public page</Link>}
          <Link to={`/dashboard/${listing.id}`}>Sales dashboard</Link>
          <Link to={`/door/${listing.id}`}>Door check-in</Link>
        </div>
      </div>
      {editing && <EditDetails listing={listing} done={() => setEditing(false)} />}
      <Lifecycle listing={listing} />
      <TicketTypes listing={listing} />
      <BuyerLimits listing={listing} />
      <WaitingRoomSettings listing={listing} />
      <AttendeesList listingId={listing.id} timeZone={z} />
    </section>
  );
}

function ManageScreen() {
  const { listingId = "" } = useParams();
  const listing = useManagedListing(listingId);
  return <QueryView query={listing} what="Loading the listing">{(l) => <Manage listing={l} />}</QueryView>;
}

export default function ManageListingPage() {
  return (
    <RequireSession>
      <ManageScreen />
    </RequireSession>
  );
}
