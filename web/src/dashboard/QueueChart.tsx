// A waiting room's line per minute (how many waited after each minute with room events,
// who joined and who was let in), as bars with the same numbers in a table.
import { formatTime } from "../ui/format";
import type { components } from "../api/schema";
import { Bars } from "./SalesChart";

type RoomMinute = components["schemas"]["RoomMinute"];

export function QueueChart({ minutes, zone }: { minutes: RoomMinute[]; zone: string }) {
  const count = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  const clock = (m: RoomMinute) => formatTime(m.minute, zone).split(", ").pop() ?? "";
  return (
    <figure className="stack chart-figure">
      <figcaption>
        <strong>The line per minute</strong> <span className="muted small">(minutes with room events)</span>
      </figcaption>
      <Bars items={minutes} value={(m) => m.waiting} tick={clock} unit="minute" label="Buyers waiting" format={count} className="seats" />
      <details>
        <summary>The numbers as a table</summary>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="The line per minute">
          <table data-testid="queue-table">
            <caption className="sr-only">The waiting room per minute</caption>
            <thead>
              <tr>
                <th scope="col">Minute</th>
                <th scope="col" className="num">Joined</th>
                <th scope="col" className="num">Let in</th>
                <th scope="col" className="num">Waiting after</th>
              </tr>
            </thead>
            <tbody>
              {minutes.map((m) => (
                <tr key={m.minute}>
                  <th scope="row">{formatTime(m.minute, zone)}</th>
                  <td className="num">{m.joined}</td>
                  <td className="num">{m.admitted}</td>
                  <td className="num">{m.waiting}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
