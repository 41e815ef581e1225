// One figure of the dashboard: its name, its value, and an optional line under it.
import type { ReactNode } from "react";

export function Stat({ label, value, id, children }: { label: string; value: string; id: string; children?: ReactNode }) {
  return (
    <div className="stat card">
      <dt>{label}</dt>
      <dd className="stat-value" data-testid={`stat-${id}`}>
        {value}
      </dd>
      {children && <dd className="muted small">{children}</dd>}
    </div>
  );
}
