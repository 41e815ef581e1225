// The waiting room of a high-demand sale, as a buyer sees it: when it opens, how many
// wait, a way in, and then one's own place, live (the place stream): how many are ahead,
// the estimated wait, a progress bar, and "your turn" with the admission's countdown.
// Once let in, the hold form below works for the admission's minutes.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api } from "../api/client";
import { keyed, wrote } from "../api/commands";
import { AttemptKeys } from "../api/idempotency";
import type { components } from "../api/schema";
import { Countdown } from "../ui/Countdown";
import { formatTime } from "../ui/format";
import { FormError } from "../ui/Field";
import { useCountdown } from "../ui/useCountdown";
import { placeText, progress, type LivePlace, type RoomPlace } from "./place";
import { listingKeys } from "./queries";

type Room = components["schemas"]["WaitingRoomView"];
type Joined = components["schemas"]["WaitingRoomJoined"];

const joinKeys = new AttemptKeys();

function useJoinWaitingRoom(listingId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      keyed(joinKeys, { listingId }, (key) =>
        api.POST("/api/v1/listings/{listing_id}/waiting_room/join", {
          params: { path: { listing_id: listingId } },
          headers: { "Idempotency-Key": key },
        }),
      ),
    onSuccess: (joined: Joined) => {
      wrote(joined.position);
      // The room's counts come from the catalog: read them after this write.
      void client.invalidateQueries({ queryKey: listingKeys.one(listingId) });
    },
  });
}

/** What the join answered, in words. */
export function joinedText(joined: Joined): string {
  if (joined.ahead === null || joined.ahead === undefined) {
    return "You are in the waiting room. Everyone who joins before the opening is equal: the order is drawn at random when it opens.";
  }
  return joined.ahead === 0
    ? "You are in the waiting room, next in line."
    : `You are in the waiting room with ${joined.ahead} ahead of you.`;
}

export function WaitingRoom({
  listingId,
  room,
  zone,
  signedIn,
  live,
}: {
  listingId: string;
  room: Room;
  zone: string;
  signedIn: boolean;
  /** The caller's place, live (signed in only). */
  live: LivePlace;
}) {
  const join = useJoinWaitingRoom(listingId);
  const client = useQueryClient();
  // The room's settings come with the listing: read them again when the place says the
  // room moved on (it opened, or let this buyer in).
  const status = live.place?.status;
  const opened = live.place?.opened_at;
  useEffect(() => {
    if (status) void client.invalidateQueries({ queryKey: listingKeys.one(listingId) });
  }, [client, listingId, status, opened]);
  // The place stream is fresher than the listing's own counts.
  const openedAt = live.place?.opened_at ?? room.opened_at;
  const waiting = live.place?.waiting ?? room.waiting;
  return (
    <div className="card stack" data-testid="waiting-room">
      <div className="row spread">
        <h2 className="flush">Waiting room</h2>
        {signedIn && live.place && (
          <span className={live.state === "live" ? "badge ok" : "badge warn"}>
            {live.state === "live" ? "Live" : "Reconnecting…"}
          </span>
        )}
      </div>
      <p>
        {openedAt
          ? `Opened ${formatTime(openedAt, zone)}: ${room.admitted_per_minute} buyers are let in each minute, each for ${room.admission_minutes} minutes.`
          : `Opens ${formatTime(room.opens_at, zone)}. Arriving early gains nothing: everyone in the room by then is put in a random order.`}
      </p>
      <p className="muted small" data-testid="room-counts">
        {waiting} waiting{live.place ? "" : ` · ${room.admitted} let in so far`}
      </p>
      {signedIn && <MyPlace live={live} join={() => join.mutate()} joining={join.isPending} joined={join.data} />}
      <FormError error={join.error} fields={[]} />
    </div>
  );
}

/** The signed-in buyer's own place, live, with the way in when they are not in line. */
function MyPlace({
  live,
  join,
  joining,
  joined,
}: {
  live: LivePlace;
  join: () => void;
  joining: boolean;
  joined: Joined | undefined;
}) {
  const { place, state, firstAhead } = live;
  if (!place) {
    return (
      <p className="muted" aria-live="polite">
        {state === "reconnecting" ? "Reconnecting to the waiting room…" : "Checking your place…"}
      </p>
    );
  }
  if (place.status === "not_joined") {
    return joined ? (
      <p role="status" data-testid="room-joined">
        {joinedText(joined)}
      </p>
    ) : (
      <div>
        <button type="button" onClick={join} disabled={joining}>
          {joining ? "Joining…" : "Join the waiting room"}
        </button>
      </div>
    );
  }
  return <PlaceView place={place} firstAhead={firstAhead} />;
}

function PlaceView({ place, firstAhead }: { place: RoomPlace; firstAhead: number | null }) {
  // Re-render every second so the estimate counts down between events.
  useCountdown(place.estimated_admission_at);
  const turn = place.status === "admitted" && place.admission_expires_at;
  return (
    <div className="stack" data-testid="room-place" data-status={place.status}>
      <p role="status" className={turn ? "strong" : undefined}>
        {placeText(place)}
      </p>
      {place.status === "waiting" && place.place != null && (
        <progress
          max={1}
          value={progress(firstAhead, place.ahead)}
          aria-label="Progress through the line"
          data-testid="room-progress"
        />
      )}
      {turn && (
        <p>
          <Countdown expiresAt={place.admission_expires_at!} label="Admission lapses in" expiredText="Your admission lapsed." />
        </p>
      )}
    </div>
  );
}
