// Who booked the listing, with each ticket's check-in status.
import { formatTime } from "../ui/format";
import { Empty, QueryView } from "../ui/states";
import { useAttendees } from "./queries";

export function AttendeesList({ listingId, timeZone }: { listingId: string; timeZone: string }) {
  const attendees = useAttendees(listingId);
  return (
    <section className="stack" aria-labelledby="attendees-h">
      <h2 id="attendees-h">Attendees</h2>
      <QueryView query={attendees} what="Loading the attendees">
        {(a) =>
          a.bookings.length === 0 ? (
            <Empty title="No bookings yet" />
          ) : (
            <>
              <p data-testid="checked-in-summary">
                <strong>{a.checked_in}</strong> of {a.tickets} tickets admitted
              </p>
              <div className="table-wrap card" tabIndex={0} role="region" aria-label="Attendees">
                <table>
                  <caption className="sr-only">Bookings and their tickets</caption>
                  <thead>
                    <tr>
                      <th scope="col">Buyer</th>
                      <th scope="col">Tickets</th>
                      <th scope="col">Check-in</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.bookings.map((b) => (
                      <tr key={b.booking_id} data-testid="attendee">
                        <th scope="row">
                          {b.name ?? "–"}
                          <div className="muted small break">{b.email}</div>
                        </th>
                        <td>
                          {b.seats} × {b.ticket_type_name}
                          {b.status === "cancelled" && (
                            <>
                              {" "}
                              <span className="badge bad">Cancelled</span>
                            </>
                          )}
                          <div className="muted small">Booked {formatTime(b.confirmed_at, timeZone)}</div>
                        </td>
                        <td>
                          <ul className="plain">
                            {b.tickets.map((t) => (
                              <li key={t.id}>
                                <code className="break">{t.code}</code>{" "}
                                {t.checked_in_at ? (
                                  <span className="badge ok" title={formatTime(t.checked_in_at, timeZone)}>
                                    Admitted
                                  </span>
                                ) : (
                                  <span className="badge">Not yet</span>
                                )}
                              </li>
                            ))}
                          </ul>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </QueryView>
    </section>
  );
}
