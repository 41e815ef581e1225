// Daily seats and revenue as a small hand-drawn SVG bar chart, with a title and a
// table holding the same numbers for screen readers and anyone who prefers one.
import { useId } from "react";
import { formatMoney } from "../ui/format";
import { bars, niceCeiling, ticks } from "./chart";
import type { DailySales } from "./queries";

const W = 480;
const H = 180;
const LEFT = 66;
const BOTTOM = 24;

/** One series as bars: `value` of each item, `tick` its axis label, `unit` what one item is. */
export function Bars<T>({
  items,
  value,
  tick,
  unit,
  label,
  format,
  className,
}: {
  items: T[];
  value: (item: T) => number;
  tick: (item: T) => string;
  unit: string;
  label: string;
  format: (n: number) => string;
  className: string;
}) {
  const id = useId();
  const values = items.map(value);
  const top = niceCeiling(Math.max(...values, 0));
  const plotW = W - LEFT - 8;
  const plotH = H - BOTTOM - 8;
  const shown = bars(values, plotW, plotH, top, 48);
  const every = Math.max(1, Math.ceil(items.length / 8));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={id} className={`chart ${className}`} preserveAspectRatio="xMidYMid meet">
      <title id={id}>{`${label} per ${unit}, ${items.length} ${unit}s, highest ${format(Math.max(...values, 0))}`}</title>
      <g transform={`translate(${LEFT},8)`}>
        {ticks(top).map((t) => {
          const y = plotH - (t / top) * plotH;
          return (
            <g key={t}>
              <line x1={0} x2={plotW} y1={y} y2={y} className="chart-grid" />
              <text x={-6} y={y + 4} textAnchor="end" className="chart-label">
                {format(t)}
              </text>
            </g>
          );
        })}
        {shown.map((b, i) => (
          <rect key={i} x={b.x} y={b.y} width={b.width} height={b.height} className="chart-bar" />
        ))}
        {items.map((item, i) =>
          i % every === 0 ? (
            <text key={i} x={(i + 0.5) * (plotW / items.length)} y={plotH + 16} textAnchor="middle" className="chart-label">
              {tick(item)}
            </text>
          ) : null,
        )}
      </g>
    </svg>
  );
}

const day = (d: DailySales) => d.day.slice(5);

export function SalesChart({ days, currency }: { days: DailySales[]; currency: string }) {
  const cash = (n: number) => formatMoney(n, currency);
  const seats = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  return (
    <figure className="stack chart-figure">
      <figcaption>
        <strong>Daily sales</strong> <span className="muted small">(UTC days)</span>
      </figcaption>
      <Bars items={days} value={(d) => d.seats} tick={day} unit="day" label="Seats booked" format={seats} className="seats" />
      <Bars
        items={days}
        value={(d) => d.revenue}
        tick={day}
        unit="day"
        label={`Revenue in ${currency}`}
        format={cash}
        className="revenue"
      />
      <details>
        <summary>The numbers as a table</summary>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Sales per day">
          <table data-testid="daily-table">
            <caption className="sr-only">Sales per UTC day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" className="num">Bookings</th>
                <th scope="col" className="num">Seats</th>
                <th scope="col" className="num">Revenue</th>
                <th scope="col" className="num">Refunds</th>
                <th scope="col" className="num">Cancelled</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  <td className="num">{d.bookings}</td>
                  <td className="num">{d.seats}</td>
                  <td className="num">{cash(d.revenue)}</td>
                  <td className="num">{cash(d.refunds)}</td>
                  <td className="num">{d.cancellations}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
