// Every screen of the app: its path, its lazily loaded module (one chunk per screen) and
// its navigation entry. Add a screen here and nowhere else.
import type { RouteObject } from "react-router";

/** Who may see a navigation entry. */
export type Audience = "everyone" | "signed-out" | "signed-in" | "organizer" | "staff" | "admin";

/** A link in the header. */
export interface NavEntry {
  to: string;
  label: string;
  audience: Audience;
}

/** Loads a module whose default export is a screen component. */
function screen(load: () => Promise<{ default: React.ComponentType }>): RouteObject["lazy"] {
  return async () => ({ Component: (await load()).default });
}

/** The routes under the layout. */
export const routes: RouteObject[] = [
  { index: true, lazy: screen(() => import("../listings/BrowsePage")) },
  { path: "listings/:listingId", lazy: screen(() => import("../listings/ListingPage")) },
  { path: "checkout/:listingId/:holdId", lazy: screen(() => import("../checkout/CheckoutPage")) },
  { path: "bookings/:bookingId", lazy: screen(() => import("../tickets/BookingPage")) },
  { path: "tickets", lazy: screen(() => import("../tickets/MyTicketsPage")) },
  { path: "login", lazy: screen(() => import("../account/LoginPage")) },
  { path: "register", lazy: screen(() => import("../account/RegisterPage")) },
  { path: "account", lazy: screen(() => import("../account/AccountPage")) },
  { path: "organizer", lazy: screen(() => import("../organizer/OrganizerPage")) },
  { path: "organizer/new", lazy: screen(() => import("../organizer/NewListingPage")) },
  { path: "organizer/listings/:listingId", lazy: screen(() => import("../organizer/ManageListingPage")) },
  { path: "door", lazy: screen(() => import("../door/DoorPage")) },
  { path: "door/:listingId", lazy: screen(() => import("../door/DoorCheckinPage")) },
  { path: "dashboard", lazy: screen(() => import("../dashboard/DashboardPage")) },
  { path: "dashboard/:listingId", lazy: screen(() => import("../dashboard/ListingDashboardPage")) },
  { path: "admin", lazy: screen(() => import("../admin/AdminPage")) },
  { path: "*", lazy: screen(() => import("./NotFoundPage")) },
];

/** The header's links, in order; the layout shows those whose audience fits the user. */
export const nav: NavEntry[] = [
  { to: "/", label: "Browse", audience: "everyone" },
  { to: "/tickets", label: "My tickets", audience: "signed-in" },
  { to: "/account", label: "Account", audience: "signed-in" },
  { to: "/login", label: "Log in", audience: "signed-out" },
  { to: "/register", label: "Register", audience: "signed-out" },
  { to: "/organizer", label: "Organizer", audience: "organizer" },
  { to: "/dashboard", label: "Dashboard", audience: "organizer" },
  { to: "/door", label: "Door", audience: "staff" },
  { to: "/admin", label: "Admin", audience: "admin" },
];

/** Whether an entry for `audience` shows for someone with `role` (undefined: signed out). */
export function visible(audience: Audience, role: string | undefined): boolean {
  switch (audience) {
    case "everyone":
      return true;
    case "signed-out":
      return role === undefined;
    case "signed-in":
      return role !== undefined;
    case "organizer":
      return role === "organizer" || role === "admin";
    case "staff":
      return role === "staff" || role === "organizer" || role === "admin";
    case "admin":
      return role === "admin";
  }
}
