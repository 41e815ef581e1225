// The waiting room of a high-demand sale, as a buyer sees it: when it opens, how many
// wait, and a way in. Once let in, the hold form below works for the admission's minutes;
// while still in line, a hold attempt answers how many are ahead.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { keyed, wrote } from "../api/commands";
import { AttemptKeys } from "../api/idempotency";
import type { components } from "../api/schema";
import { formatTime } from "../ui/format";
import { FormError } from "../ui/Field";
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
}: {
  listingId: string;
  room: Room;
  zone: string;
  signedIn: boolean;
}) {
  const join = useJoinWaitingRoom(listingId);
  return (
    <div className="card stack" data-testid="waiting-room">
      <h2 className="flush">Waiting room</h2>
      <p>
        {room.opened_at
          ? `Opened ${formatTime(room.opened_at, zone)}: ${room.admitted_per_minute} buyers are let in each minute, each for ${room.admission_minutes} minutes.`
          : `Opens ${formatTime(room.opens_at, zone)}. Arriving early gains nothing: everyone in the room by then is put in a random order.`}
      </p>
      <p className="muted small" data-testid="room-counts">
        {room.waiting} waiting · {room.admitted} let in so far
      </p>
      {signedIn &&
        (join.data ? (
          <p role="status" data-testid="room-joined">
            {joinedText(join.data)}
          </p>
        ) : (
          <div>
            <button type="button" onClick={() => join.mutate()} disabled={join.isPending}>
              {join.isPending ? "Joining…" : "Join the waiting room"}
            </button>
          </div>
        ))}
      <FormError error={join.error} fields={[]} />
    </div>
  );
}
