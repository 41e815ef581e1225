// A listing's status as a coloured badge with words.
import { statusLabel } from "./status";

export function StatusBadge({ status }: { status: string }) {
  const { text, tone } = statusLabel(status);
  return <span className={`badge ${tone}`.trim()} data-testid="status">{text}</span>;
}
