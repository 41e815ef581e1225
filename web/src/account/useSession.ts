// The session and the signed-in account, as hooks over the one session store and the
// query cache.
import { useSyncExternalStore } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, session, unwrap } from "../api/client";
import type { Session } from "../api/session";

/** The current session (null when signed out); re-renders when it changes. */
export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.current,
  );
}

/** Query key of "who am I". */
export const meKey = ["me"] as const;

/** The signed-in account (id, e-mail, display name, role), or undefined while signed out. */
export function useMe() {
  const current = useSession();
  return useQuery({
    queryKey: [...meKey, current?.userId],
    enabled: Boolean(current),
    queryFn: () => unwrap(api.GET("/api/v1/me")),
    staleTime: 60_000,
  });
}
