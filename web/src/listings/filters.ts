// The search filters to and from the URL, so a search can be shared, reloaded and undone
// with the back button.
import { parseMoney } from "../ui/format";
import type { SearchFilters } from "./queries";

/** The filters a URL's query string asks for; prices typed in major units of EUR. */
export function filtersFromParams(params: URLSearchParams): SearchFilters {
  const text = (name: string) => params.get(name)?.trim() || undefined;
  const price = (name: string) => {
    const raw = text(name);
    const minor = raw === undefined ? null : parseMoney(raw, "EUR");
    return minor ?? undefined;
  };
  const day = (name: string, end: boolean) => {
    const raw = text(name);
    return raw && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T${end ? "23:59:59" : "00:00:00"}Z` : undefined;
  };
  // Without words the default order is by date; with words it is best match first, so
  // "by date" is asked for only then.
  const asked = params.get("sort");
  const sort = asked === "popularity" || (asked === "starts_at" && text("q")) ? asked : undefined;
  const filters: SearchFilters = {
    q: text("q"),
    city: text("city"),
    category: text("category"),
    starts_after: day("from", false),
    starts_before: day("to", true),
    min_price: price("min"),
    max_price: price("max"),
    has_seats: params.get("seats") === "1" ? true : undefined,
    sort,
  };
  // Drop the unset ones so equal searches share one cache entry.
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as SearchFilters;
}
