-- Full-text search over the catalog (projection `catalog`): a GIN index on the words of
-- each listing's `search_text`. Words are runs of letters and digits (everything else
-- becomes a space first, so e-mail addresses, URLs and hyphenated words split as SQLite's
-- FTS5 index splits them), case-folded by the `simple` configuration, which neither stems
-- nor drops stop words: both backends find the same listings for a query. The search
-- statement repeats this expression exactly, so the planner uses the index.
CREATE INDEX rm_listings__search ON rm_listings USING GIN (
    to_tsvector('simple', regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g'))
);
