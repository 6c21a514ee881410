//! Relay cursors: opaque to clients, bound to the ordering they were issued for.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::domain::ValidationError;

pub const DEFAULT_PAGE_SIZE: u64 = 50;
pub const MAX_PAGE_SIZE: u64 = 200;

/// `first` as given by a client: absent means the default, larger than the cap is capped.
pub fn page_size(first: Option<i32>) -> Result<u64, ValidationError> {
    match first {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(n) if n < 0 => Err(ValidationError::new("first", "must not be negative")),
        Some(n) => Ok(u64::try_from(n).unwrap_or(0).min(MAX_PAGE_SIZE)),
    }
}

/// Encodes `position` along with the `ordering` it belongs to.
pub fn encode_cursor<T: Serialize>(ordering: &str, position: &T) -> String {
    #[derive(Serialize)]
    struct Envelope<'a, T> {
        o: &'a str,
        p: &'a T,
    }
    let json = serde_json::to_vec(&Envelope {
        o: ordering,
        p: position,
    })
    .unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// Decodes a cursor issued by [`encode_cursor`] for the same `ordering`.
pub fn decode_cursor<T: for<'de> Deserialize<'de>>(
    ordering: &str,
    cursor: &str,
) -> Result<T, ValidationError> {
    #[derive(Deserialize)]
    struct Envelope<T> {
        o: String,
        p: T,
    }
    let invalid = || ValidationError::new("after", "is not a cursor from this list");
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| invalid())?;
    let envelope: Envelope<T> = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if envelope.o != ordering {
        return Err(ValidationError::new(
            "after",
            "the cursor belongs to a different ordering; start again without `after`",
        ));
    }
    Ok(envelope.p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_bound_to_their_ordering() {
        let cursor = encode_cursor("CREATED_AT:DESC", &(42, "x".to_owned()));
        let back: (i32, String) = decode_cursor("CREATED_AT:DESC", &cursor).unwrap();
        assert_eq!(back, (42, "x".to_owned()));
        assert!(decode_cursor::<(i32, String)>("TITLE:ASC", &cursor).is_err());
        assert!(decode_cursor::<(i32, String)>("CREATED_AT:DESC", "garbage!").is_err());
    }

    #[test]
    fn page_sizes_default_and_cap() {
        assert_eq!(page_size(None).unwrap(), 50);
        assert_eq!(page_size(Some(1000)).unwrap(), 200);
        assert_eq!(page_size(Some(0)).unwrap(), 0);
        assert!(page_size(Some(-1)).is_err());
    }
}
