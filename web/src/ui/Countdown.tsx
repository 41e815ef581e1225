// The visible countdown to a hold's or an offer's expiry.
import { formatDuration } from "./format";
import { useCountdown } from "./useCountdown";

/** "Held for 9:41" style text, turning to `expiredText` at zero. */
export function Countdown({
  expiresAt,
  label,
  expiredText = "expired",
}: {
  expiresAt: string;
  label: string;
  expiredText?: string;
}) {
  const left = useCountdown(expiresAt);
  const urgent = left > 0 && left <= 60;
  return (
    <span className={urgent ? "countdown urgent" : "countdown"} data-testid="countdown" data-seconds={left}>
      {left > 0 ? (
        <>
          {label} <time dateTime={`PT${left}S`}>{formatDuration(left)}</time>
        </>
      ) : (
        expiredText
      )}
    </span>
  );
}
