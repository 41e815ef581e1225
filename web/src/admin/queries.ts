// The platform overview, projection health, and the admin's commands on accounts.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { keyed, readAfter, wrote } from "../api/commands";
import { AttemptKeys } from "../api/idempotency";
import type { components } from "../api/schema";
import { fetchReadiness } from "./readiness";

/** A role as the API takes it. */
export type Role = components["schemas"]["Role"];

/** Accounts, listings and sales across the platform. */
export function useOverview() {
  return useQuery({
    queryKey: ["admin", "overview"],
    queryFn: () => unwrap(api.GET("/api/v1/admin/overview", { params: { query: { after: readAfter() } } })),
    refetchInterval: 30_000,
  });
}

/** `/ready`, polled while shown. */
export function useReadiness() {
  return useQuery({ queryKey: ["admin", "ready"], queryFn: fetchReadiness, refetchInterval: 5_000 });
}

const accountKeys = new AttemptKeys();

/** What an admin does to an account. */
export type AccountAction =
  | { action: "role"; role: Role }
  | { action: "suspend"; reason: string }
  | { action: "reinstate" };

/** Changes a role, suspends or reinstates the account `userId`. */
export function useAccountAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, step }: { userId: string; step: AccountAction }) =>
      keyed(accountKeys, { userId, step }, (key) => {
        const params = { path: { user_id: userId } };
        const headers = { "Idempotency-Key": key };
        if (step.action === "role") return api.POST("/api/v1/accounts/{user_id}/role", { params, headers, body: { role: step.role } });
        if (step.action === "suspend")
          return api.POST("/api/v1/accounts/{user_id}/suspend", { params, headers, body: { reason: step.reason } });
        return api.POST("/api/v1/accounts/{user_id}/reinstate", { params, headers });
      }),
    onSuccess: (changed) => {
      wrote(changed.position);
      void client.invalidateQueries({ queryKey: ["admin"] });
    },
  });
}
