// Browse: search by words, city, category, dates, price and free seats; sort by date or
// popularity; keyset pages appended with "Show more".
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { Field } from "../ui/Field";
import { Empty, ErrorState, Loading } from "../ui/states";
import { filtersFromParams } from "./filters";
import { ListingCard } from "./ListingCard";
import { useSearch } from "./queries";

const FORM_KEYS = ["q", "city", "category", "from", "to", "min", "max", "seats", "sort"] as const;
type FormKey = (typeof FORM_KEYS)[number];

function SearchForm({
  params,
  onSearch,
  error,
}: {
  params: URLSearchParams;
  onSearch: (p: URLSearchParams) => void;
  error: unknown;
}) {
  const [form, setForm] = useState<Record<FormKey, string>>(
    () => Object.fromEntries(FORM_KEYS.map((k) => [k, params.get(k) ?? ""])) as Record<FormKey, string>,
  );
  const set = (key: FormKey) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    FORM_KEYS.forEach((k) => form[k] && next.set(k, form[k]));
    onSearch(next);
  };
  const more = Boolean(form.from || form.to || form.min || form.max || form.seats);
  return (
    <form className="card search-form" onSubmit={submit} role="search" aria-label="Search listings">
      <div className="search-main">
        <div className="search-words">
          <Field label="Search" name="q" error={error}>
            {(p) => <input {...p} type="search" placeholder="jazz, workshop…" value={form.q} onChange={set("q")} />}
          </Field>
        </div>
        <Field label="City" name="city" error={error}>
          {(p) => <input {...p} value={form.city} onChange={set("city")} placeholder="Lyon" />}
        </Field>
        <Field label="Category" name="category" error={error}>
          {(p) => (
            <select {...p} value={form.category} onChange={set("category")}>
              <option value="">Any</option>
              <option value="concert">Concert</option>
              <option value="conference">Conference</option>
              <option value="workshop">Workshop</option>
              <option value="theatre">Theatre</option>
              <option value="sport">Sport</option>
            </select>
          )}
        </Field>
        <Field label="Sort by" name="sort" error={error}>
          {(p) => (
            <select {...p} value={form.sort} onChange={set("sort")}>
              <option value="">{form.q.trim() ? "Best match" : "Date"}</option>
              {form.q.trim() && <option value="starts_at">Date</option>}
              <option value="popularity">Popularity</option>
            </select>
          )}
        </Field>
        <button type="submit" className="search-button">
          Search
        </button>
      </div>
      <details className="more-filters" open={more}>
        <summary>Dates, price and seats</summary>
        <div className="search-more">
          <Field label="From date" name="starts_after" error={error}>
            {(p) => <input {...p} type="date" value={form.from} onChange={set("from")} />}
          </Field>
          <Field label="To date" name="starts_before" error={error}>
            {(p) => <input {...p} type="date" value={form.to} onChange={set("to")} />}
          </Field>
          <Field label="Min price (€)" name="min_price" error={error}>
            {(p) => <input {...p} inputMode="decimal" value={form.min} onChange={set("min")} />}
          </Field>
          <Field label="Max price (€)" name="max_price" error={error}>
            {(p) => <input {...p} inputMode="decimal" value={form.max} onChange={set("max")} />}
          </Field>
          <label className="check seats-check">
            <input
              type="checkbox"
              checked={form.seats === "1"}
              onChange={(e) => setForm({ ...form, seats: e.target.checked ? "1" : "" })}
            />
            Only with free seats
          </label>
        </div>
      </details>
    </form>
  );
}

export default function BrowsePage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const search = useSearch(filters);
  const items = search.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="stack">
      <h1>Find something to go to</h1>
      <SearchForm key={params.toString()} params={params} onSearch={(p) => setParams(p)} error={search.error} />
      <div aria-live="polite">
        {search.isPending ? (
          <Loading what="Searching" />
        ) : search.error ? (
          <ErrorState error={search.error} retry={() => void search.refetch()} />
        ) : items.length === 0 ? (
          <Empty title="No listing matches.">
            <p className="muted">Try fewer words, another city or other dates.</p>
          </Empty>
        ) : (
          <>
            <p className="muted small" data-testid="result-count">
              {items.length} {items.length === 1 ? "listing" : "listings"}
              {search.hasNextPage ? " so far" : ""}
            </p>
            <div className="grid" data-testid="results">
              {items.map((listing) => (
                <ListingCard key={listing.id} listing={listing} />
              ))}
            </div>
          </>
        )}
      </div>
      {search.hasNextPage && (
        <div className="row">
          <button type="button" className="secondary" onClick={() => void search.fetchNextPage()} disabled={search.isFetchingNextPage}>
            {search.isFetchingNextPage ? "Loading…" : "Show more"}
          </button>
        </div>
      )}
    </section>
  );
}
