//! Query side: REST reads over the read models (filled by the read-side issue).
