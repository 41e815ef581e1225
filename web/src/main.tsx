// The app's entry: query cache, session restore, router.
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createBrowserRouter, RouterProvider } from "react-router";
import Layout from "./app/Layout";
import { routes } from "./app/routes";
import { session } from "./api/client";
import { ApiError } from "./api/problem";
import { Loading } from "./ui/states";
import "./ui/styles.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // A 4xx will not change on retry; a network failure or a 5xx may.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});

// Signing out (here or in another tab) drops everything cached for the old account.
session.subscribe((s) => {
  if (!s) queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "listings" });
});
window.addEventListener("storage", (event) => {
  if (event.key === "boxoffice.refresh" && event.newValue === null) session.clear();
});

const router = createBrowserRouter([{ path: "/", Component: Layout, children: routes }]);

function App() {
  // A stored refresh token restores the session before the first screen asks for data.
  const [ready, setReady] = useState(!session.restorable);
  useEffect(() => {
    if (!ready) void session.refresh().finally(() => setReady(true));
  }, [ready]);
  if (!ready) return <Loading what="Signing you in" />;
  return <RouterProvider router={router} />;
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
