// The frame of every screen: skip link, header with navigation, the screen, footer.
import { Suspense, useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation, useNavigation } from "react-router";
import { useSession } from "../account/useSession";
import { Loading } from "../ui/states";
import { nav, visible } from "./routes";

export default function Layout() {
  const session = useSession();
  const location = useLocation();
  const navigation = useNavigation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // Move focus to the new screen on navigation, as a page load would, for keyboard users.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <NavLink to="/" className="brand">
          boxoffice
        </NavLink>
        <nav aria-label="Main">
          <ul>
            {nav
              .filter((entry) => visible(entry.audience, session?.role))
              .map((entry) => (
                <li key={entry.to}>
                  <NavLink to={entry.to} end={entry.to === "/"}>
                    {entry.label}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1} aria-busy={navigation.state === "loading"}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>boxoffice · every seat count comes from the event log</p>
      </footer>
    </>
  );
}
