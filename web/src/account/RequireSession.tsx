// Screens that need a signed-in user send everyone else to log in, and back after.
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useSession } from "./useSession";

export function RequireSession({ children }: { children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  if (!current) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <>{children}</>;
}
