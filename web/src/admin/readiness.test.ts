// Reading /ready's projection report.
import { describe, expect, it } from "vitest";
import { parseReadiness, verdictTone } from "./readiness";

describe("parseReadiness", () => {
  it("reads the status, the head and each projection", () => {
    const r = parseReadiness({
      status: "ready",
      log_head: 29,
      projections: {
        ready: true,
        projections: [
          { name: "catalog", checkpoint: 27, head: 29, lag_events: 2, lag_seconds: 0.5, verdict: "catching_up", running: true, failures: 0, last_error: null },
        ],
      },
    });
    expect(r.status).toBe("ready");
    expect(r.logHead).toBe(29);
    expect(r.projections).toEqual([
      { name: "catalog", checkpoint: 27, head: 29, lagEvents: 2, lagSeconds: 0.5, verdict: "catching_up", running: true, failures: 0, lastError: null },
    ]);
  });
  it("survives an unavailable answer without projections", () => {
    const r = parseReadiness({ status: "unavailable", reason: "database down" });
    expect(r).toEqual({ status: "unavailable", logHead: null, reason: "database down", projections: [] });
    expect(parseReadiness(null).status).toBe("unknown");
  });
});

describe("verdictTone", () => {
  it("maps verdicts to colours", () => {
    expect(verdictTone("ok")).toBe("ok");
    expect(verdictTone("catching_up")).toBe("warn");
    expect(verdictTone("stuck")).toBe("bad");
  });
});
