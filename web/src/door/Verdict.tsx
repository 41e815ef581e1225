// The big answer of the last scan: colour, an icon-like mark and words, read out by
// screen readers as soon as it changes.
import type { Answer } from "./answer";
import { tone } from "./answer";

const marks: Record<string, string> = { ok: "✓", warn: "!", bad: "✕" };

export function Verdict({ answer }: { answer: Answer | null }) {
  return (
    <div className="verdict-region" aria-live="assertive" aria-atomic="true" data-testid="verdict-region">
      {answer ? (
        <div className={`verdict ${tone(answer.kind)}`} data-testid="verdict" data-kind={answer.kind}>
          <span className="verdict-mark" aria-hidden="true">
            {marks[tone(answer.kind)]}
          </span>
          <p className="verdict-headline">{answer.headline}</p>
          <p className="verdict-detail">{answer.detail}</p>
          <p className="verdict-code">
            <code>{answer.code}</code>
          </p>
        </div>
      ) : (
        <div className="verdict idle">
          <p className="verdict-headline">Ready</p>
          <p className="verdict-detail">Scan or type a ticket code.</p>
        </div>
      )}
    </div>
  );
}
