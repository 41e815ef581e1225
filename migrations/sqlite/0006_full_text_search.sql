-- Full-text search over the catalog (projection `catalog`). An FTS5 index of each
-- listing's `search_text`, keyed by the listing row's rowid and kept in step by triggers,
-- so the projection writes `rm_listings` as before and search reads the index.
-- Tokens are runs of letters and digits, case-folded, accents kept: the same words
-- PostgreSQL's index (the same numbered migration there) finds, so both backends answer
-- a query alike. `boxoffice replay` copies the index and the triggers with the table (their
-- names start with `rm_listings__`). Nothing here may run VACUUM: it could renumber the
-- rowids the index refers to.
CREATE VIRTUAL TABLE rm_listings__fts USING fts5(
    search_text,
    tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO rm_listings__fts (rowid, search_text) SELECT rowid, search_text FROM rm_listings;

CREATE TRIGGER rm_listings__fts_insert AFTER INSERT ON rm_listings BEGIN
    INSERT INTO rm_listings__fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER rm_listings__fts_update AFTER UPDATE OF search_text ON rm_listings
WHEN old.search_text IS NOT new.search_text BEGIN
    UPDATE rm_listings__fts SET search_text = new.search_text WHERE rowid = new.rowid;
END;
CREATE TRIGGER rm_listings__fts_delete AFTER DELETE ON rm_listings BEGIN
    DELETE FROM rm_listings__fts WHERE rowid = old.rowid;
END;
