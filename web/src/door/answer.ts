// What the door shows for a scan: the API's answer to a check-in mapped to one of a few
// large, unmistakable verdicts (colour and words), and a code cleaned up before sending.
import { ApiError } from "../api/problem";

/** The kinds of answer the door shows. */
export type AnswerKind = "admitted" | "already" | "unknown" | "invalid" | "undone" | "error";

/** One verdict: its kind, the headline read out, and the detail under it. */
export interface Answer {
  kind: AnswerKind;
  headline: string;
  detail: string;
  /** The code it is about, as sent. */
  code: string;
}

/** A typed or scanned code without spaces, dashes or a QR payload's prefix, upper case. */
export function cleanCode(raw: string): string {
  const text = raw.trim();
  // A QR code may carry a link or a "boxoffice:" prefix before the code itself.
  const last = text.split(/[/:#?=]/).filter(Boolean).pop() ?? "";
  return last.replace(/[\s-]/g, "").toUpperCase();
}

/** The verdict for a successful admission. */
export function admitted(code: string): Answer {
  return { kind: "admitted", headline: "Admitted", detail: "Let them in.", code };
}

/** The verdict for a code that no ticket of this listing has (it may be another listing's). */
export function notHere(code: string): Answer {
  return {
    kind: "unknown",
    headline: "Unknown ticket",
    detail: "No ticket of this listing has this code. Check it, or send them to the box office.",
    code,
  };
}

/** Whether a booking on the listing's attendee list holds a ticket with `code`. */
export function onList(attendees: { bookings: { tickets: { code: string }[] }[] }, code: string): boolean {
  return attendees.bookings.some((b) => b.tickets.some((t) => t.code.toUpperCase() === code));
}

/** The verdict for an undone admission. */
export function undone(code: string): Answer {
  return { kind: "undone", headline: "Admission undone", detail: "The ticket can be scanned again.", code };
}

/** The verdict for a failed admission: already admitted, unknown, malformed, or another failure. */
export function rejected(code: string, error: unknown, timeZone = "UTC"): Answer {
  if (error instanceof ApiError) {
    const detail = error.problem.detail;
    if (error.status === 409 && /already/i.test(detail)) {
      const at = admittedAt(detail);
      const when = at === null ? capitalise(detail) : `First admitted at ${clock(at, timeZone)}.`;
      return { kind: "already", headline: "Already admitted", detail: when, code };
    }
    if (error.status === 404) {
      return { kind: "unknown", headline: "Unknown ticket", detail: "No ticket has this code. Check it, or send them to the box office.", code };
    }
    if (error.status === 422 || error.status === 400) {
      return { kind: "invalid", headline: "Not a ticket code", detail: error.fieldError("code") ?? detail, code };
    }
    if (error.status === 403) {
      return { kind: "error", headline: "Not allowed", detail, code };
    }
    if (error.status === 409) {
      return { kind: "error", headline: "Cannot admit", detail: capitalise(detail), code };
    }
    return { kind: "error", headline: error.status === 0 ? "No connection" : "Try again", detail, code };
  }
  return { kind: "error", headline: "Try again", detail: "Something went wrong.", code };
}

/** The instant in "already admitted at 2026-06-01 10:50:00.123456 UTC by …", if any. */
export function admittedAt(detail: string): number | null {
  const m = /at (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? UTC/.exec(detail);
  if (!m) return null;
  const ms = (m[3] ?? "").slice(0, 4).padEnd(4, "0");
  const t = Date.parse(`${m[1]}T${m[2]}${ms === "0000" ? "" : ms}Z`);
  return Number.isNaN(t) ? null : t;
}

/** "20:15:03 (Europe/Paris)": the time of day in the listing's zone, named. */
function clock(instant: number, timeZone: string): string {
  try {
    const text = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(instant);
    return `${text} (${timeZone})`;
  } catch {
    return `${new Date(instant).toISOString().slice(11, 19)} (UTC)`;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The badge colour class of a verdict. */
export function tone(kind: AnswerKind): "ok" | "warn" | "bad" {
  if (kind === "admitted" || kind === "undone") return "ok";
  if (kind === "already") return "warn";
  return "bad";
}
