// What `/ready` answers, read defensively: the OpenAPI document types its projection
// report as an open object, so its fields are checked here rather than trusted.

/** One projection's health. */
export interface ProjectionHealth {
  name: string;
  checkpoint: number;
  head: number;
  lagEvents: number;
  lagSeconds: number;
  verdict: string;
  running: boolean;
  failures: number;
  lastError: string | null;
}

/** The service's readiness and each projection's health. */
export interface Readiness {
  status: string;
  logHead: number | null;
  reason: string | null;
  projections: ProjectionHealth[];
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** Reads the JSON of `/ready` (200 or 503). */
export function parseReadiness(body: unknown): Readiness {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const report = (b.projections && typeof b.projections === "object" ? b.projections : {}) as Record<string, unknown>;
  const list = Array.isArray(report.projections) ? report.projections : [];
  return {
    status: str(b.status) ?? "unknown",
    logHead: typeof b.log_head === "number" ? b.log_head : null,
    reason: str(b.reason),
    projections: list.map((p: Record<string, unknown>) => ({
      name: str(p.name) ?? "?",
      checkpoint: num(p.checkpoint),
      head: num(p.head),
      lagEvents: num(p.lag_events),
      lagSeconds: num(p.lag_seconds),
      verdict: str(p.verdict) ?? "unknown",
      running: p.running === true,
      failures: num(p.failures),
      lastError: str(p.last_error),
    })),
  };
}

/** The badge of a verdict: ok green, catching up amber, anything else red. */
export function verdictTone(verdict: string): "ok" | "warn" | "bad" {
  if (verdict === "ok" || verdict === "ready") return "ok";
  if (verdict === "catching_up") return "warn";
  return "bad";
}

/** Fetches `/ready`; a 503 still carries the report. */
export async function fetchReadiness(): Promise<Readiness> {
  const response = await fetch("/ready", { headers: { Accept: "application/json" } });
  const body: unknown = await response.json().catch(() => null);
  if (!body) throw new Error(`/ready answered ${response.status} without a report.`);
  return parseReadiness(body);
}
