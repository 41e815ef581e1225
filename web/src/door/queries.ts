// Admitting a ticket and undoing an admission, each with an Idempotency-Key per attempt.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { keyed, wrote } from "../api/commands";
import { AttemptKeys } from "../api/idempotency";

const admitKeys = new AttemptKeys();
const undoKeys = new AttemptKeys();

/** Admits (or, with `undo`, un-admits) the ticket with a code. */
export function useCheckIn(undo = false) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (code: string) =>
      keyed(undo ? undoKeys : admitKeys, { code }, (key) =>
        api.POST(undo ? "/api/v1/checkins/undo" : "/api/v1/checkins", { headers: { "Idempotency-Key": key }, body: { code } }),
      ),
    onSuccess: (changed) => {
      wrote(changed.position);
      void client.invalidateQueries({ queryKey: ["organizer", "attendees"] });
    },
  });
}
