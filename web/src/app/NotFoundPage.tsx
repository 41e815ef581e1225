// Any path the app does not know.
import { Link } from "react-router";
import { Empty } from "../ui/states";

export default function NotFoundPage() {
  return (
    <section>
      <h1>Page not found</h1>
      <Empty title="There is nothing at this address.">
        <p>
          <Link to="/">Browse listings</Link>
        </p>
      </Empty>
    </section>
  );
}
