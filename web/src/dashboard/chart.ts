// The daily sales chart's arithmetic: a "nice" axis maximum with round ticks, and the
// bars of each day scaled into the drawing box.

/** The smallest round number (1, 2 or 5 times a power of ten) at or above `value`. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value - 1e-9) return step * power;
  }
  return 10 * power;
}

/** `count + 1` evenly spaced ticks from 0 to a nice maximum at or above `max`. */
export function ticks(max: number, count = 4): number[] {
  const top = niceCeiling(max);
  // Whole-number steps when the top allows it (seat counts, minor units).
  const step = top / count;
  return Array.from({ length: count + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
}

/** One day's bar: where it starts, how wide and how tall it is, in chart units. */
export interface Bar {
  x: number;
  width: number;
  height: number;
  y: number;
}

/**
 * Bars for `values` in a box `width` × `height` against an axis from 0 to `top`; each
 * bar takes 70% of its slot (at most `maxWidth`, centred), and a non-zero value is at
 * least 1 unit tall so it shows.
 */
export function bars(values: number[], width: number, height: number, top: number, maxWidth = Infinity): Bar[] {
  if (values.length === 0) return [];
  const slot = width / values.length;
  const w = Math.min(slot * 0.7, maxWidth);
  return values.map((v, i) => {
    const raw = top > 0 ? (Math.max(0, v) / top) * height : 0;
    const h = v > 0 ? Math.max(1, raw) : 0;
    return { x: i * slot + (slot - w) / 2, width: w, height: h, y: height - h };
  });
}
