// Projection health from `/ready`: each projection's checkpoint against the log head,
// its lag and its verdict, refreshed every few seconds.
import { QueryView } from "../ui/states";
import { verdictTone } from "./readiness";
import { useReadiness } from "./queries";

export function Operations() {
  const ready = useReadiness();
  return (
    <section className="stack" aria-labelledby="ops-h">
      <h2 id="ops-h">Operations</h2>
      <QueryView query={ready} what="Asking the service">
        {(r) => (
          <>
            <p>
              Service: <span className={`badge ${verdictTone(r.status)}`} data-testid="ready-status">{r.status}</span>
              {r.logHead !== null && (
                <>
                  {" "}
                  · log head <strong data-testid="log-head">{r.logHead}</strong>
                </>
              )}
              {r.reason && <> · {r.reason}</>}
            </p>
            {r.projections.length === 0 ? (
              <p className="muted">This process runs no projections.</p>
            ) : (
              <div className="table-wrap card" tabIndex={0} role="region" aria-label="Projection health">
                <table>
                  <caption className="sr-only">Projection health</caption>
                  <thead>
                    <tr>
                      <th scope="col">Projection</th>
                      <th scope="col" className="num">Checkpoint</th>
                      <th scope="col" className="num">Head</th>
                      <th scope="col" className="num">Lag</th>
                      <th scope="col">Verdict</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.projections.map((p) => (
                      <tr key={p.name} data-testid={`projection-${p.name}`}>
                        <th scope="row">
                          {p.name}
                          {!p.running && <span className="badge bad"> stopped</span>}
                          {p.lastError && <div className="field-error small">{p.lastError}</div>}
                        </th>
                        <td className="num">{p.checkpoint}</td>
                        <td className="num">{p.head}</td>
                        <td className="num">
                          {p.lagEvents} events · {p.lagSeconds.toFixed(1)} s
                        </td>
                        <td>
                          <span className={`badge ${verdictTone(p.verdict)}`}>{p.verdict.replace("_", " ")}</span>
                          {p.failures > 0 && <span className="muted small"> ({p.failures} failures)</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
