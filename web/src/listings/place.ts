// The caller's place in a waiting room, live: `GET .../waiting_room/me/stream` read with
// fetch (an EventSource cannot send the bearer token), parsed as Server-Sent Events,
// reconnecting after a pause whenever the stream ends or fails.
import { useEffect, useState } from "react";
import { session } from "../api/client";
import type { components } from "../api/schema";
import { formatDuration } from "../ui/format";

export type RoomPlace = components["schemas"]["RoomPlace"];

/** One parsed Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: string;
}

/** Splits complete events off `buffer`: the events, and what is left to wait for. */
export function parseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const text = buffer.replace(/\r\n/g, "\n");
  let start = 0;
  for (let end = text.indexOf("\n\n"); end !== -1; end = text.indexOf("\n\n", start)) {
    const block = text.slice(start, end);
    start = end + 2;
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue; // a keep-alive comment
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      if (field === "data") data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return { events, rest: text.slice(start) };
}

/** The place in words: what the buyer most needs to know first. */
export function placeText(place: RoomPlace, now: number = Date.now()): string {
  switch (place.status) {
    case "admitted":
      return "It's your turn: hold your seats below before your admission lapses.";
    case "expired":
      return "Your admission lapsed. The room lets each buyer in once.";
    case "closed":
      return "The waiting room was closed.";
    case "not_joined":
      return "You are not in the waiting room yet.";
    default:
      break;
  }
  if (place.place == null) {
    return "You are in the waiting room. Everyone who joins before the opening is equal: the order is drawn at random when it opens.";
  }
  const wait = place.estimated_admission_at ? Math.max(0, Date.parse(place.estimated_admission_at) - now) / 1000 : 0;
  const estimate = wait >= 1 ? ` About ${formatDuration(wait)} to go.` : " Any moment now.";
  return place.place === 1
    ? `You are next in line.${estimate}`
    : `You are number ${place.place} in line, ${place.ahead} ahead of you.${estimate}`;
}

/** The admission token a hold must carry now: the place's, while it says the buyer is let in. */
export function admissionToken(place: RoomPlace | null): string | undefined {
  return place?.status === "admitted" ? (place.admission_token ?? undefined) : undefined;
}

/** How far through the line, 0 to 1: the share of those ahead at the first sight who are gone. */
export function progress(firstAhead: number | null, ahead: number | null | undefined): number {
  if (ahead == null || firstAhead == null) return 0;
  if (firstAhead <= 0) return 1;
  return Math.min(1, Math.max(0, 1 - ahead / firstAhead));
}

/** Live connection state of the place stream. */
export type PlaceState = "connecting" | "live" | "reconnecting";

const RETRY_MS = 2000;

/** What the place stream has said so far. */
export interface LivePlace {
  /** The latest place (null until the first event). */
  place: RoomPlace | null;
  state: PlaceState;
  /** How many were ahead at the first place seen, for the progress bar. */
  firstAhead: number | null;
}

/** The caller's place in `listingId`'s room while mounted and `enabled`, from the stream. */
export function useLivePlace(listingId: string, enabled: boolean): LivePlace {
  const [place, setPlace] = useState<RoomPlace | null>(null);
  const [state, setState] = useState<PlaceState>("connecting");
  const [firstAhead, setFirstAhead] = useState<number | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const url = `/api/v1/listings/${encodeURIComponent(listingId)}/waiting_room/me/stream`;
    const connect = async () => {
      try {
        const token = await session.token();
        const response = await fetch(url, {
          headers: token ? { Authorization: `Bearer ${token}` } : {},
          signal: abort.signal,
        });
        if (!response.ok || !response.body) throw new Error(`place stream: ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseEvents(buffer + value);
          buffer = parsed.rest;
          for (const event of parsed.events) {
            if (event.event !== "place") continue;
            const next = JSON.parse(event.data) as RoomPlace;
            setState("live");
            setPlace(next);
            if (next.ahead != null) setFirstAhead((first) => first ?? next.ahead ?? null);
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      if (abort.signal.aborted) return;
      // Ended (the server bounds a stream's age) or failed: come back in a moment.
      setState("reconnecting");
      timer = setTimeout(() => void connect(), RETRY_MS);
    };
    void connect();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [listingId, enabled]);
  return { place, state, firstAhead };
}
