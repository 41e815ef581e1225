//! Opaque keyset-pagination cursors: the sort key and id of the last row of a page.

/// Where the next page starts: after the row with this `key` and `id`, in order `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Cursor {
    /// The order the page was fetched in, e.g. `starts_at`.
    pub kind: String,
    /// The sort value of the last row.
    pub key: i64,
    /// The id of the last row (ties on `key` are broken by id).
    pub id: String,
    /// A second sort value, for orders by two keys before the id (0 otherwise).
    pub then: i64,
}

impl Cursor {
    /// A cursor after the row (`key`, `id`) in order `kind`.
    pub fn new(kind: &str, key: i64, id: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            key,
            id: id.to_owned(),
            then: 0,
        }
    }

    /// This cursor with a second sort value.
    pub fn then(self, then: i64) -> Self {
        Self { then, ..self }
    }

    /// The text a client passes back (hex, so it is URL-safe and clearly not for editing).
    pub fn encode(&self) -> String {
        let then = if self.then == 0 {
            String::new()
        } else {
            format!("|{}", self.then)
        };
        format!("{}|{}|{}{then}", self.kind, self.key, self.id)
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Reads a cursor made by [`Cursor::encode`]; None when it is not one.
    pub fn decode(text: &str) -> Option<Self> {
        if !text.len().is_multiple_of(2) || text.len() > 400 {
            return None;
        }
        let bytes = (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        let text = String::from_utf8(bytes).ok()?;
        let mut parts = text.splitn(4, '|');
        let kind = parts.next()?.to_owned();
        let key = parts.next()?.parse().ok()?;
        let id = parts.next()?;
        uuid::Uuid::parse_str(id).ok()?;
        let then = match parts.next() {
            Some(then) => then.parse().ok()?,
            None => 0,
        };
        Some(Self::new(&kind, key, id).then(then))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_a_round_trip_and_garbage_is_refused() {
        let id = uuid::Uuid::now_v7().to_string();
        let cursor = Cursor::new("starts_at", 1_780_000_000_000, &id);
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor.clone()));
        let two_keys = cursor.then(-5);
        assert_eq!(Cursor::decode(&two_keys.encode()), Some(two_keys));
        assert_eq!(Cursor::decode("zz"), None);
        assert_eq!(Cursor::decode("abc"), None);
        assert_eq!(
            Cursor::decode(&Cursor::new("x", 1, "not-a-uuid").encode()),
            None
        );
    }
}
