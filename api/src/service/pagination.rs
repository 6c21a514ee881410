//! Paging: page sizes, and cursors bound to the ordering they were issued for.

use serde::{Deserialize, Serialize};

use crate::domain::ValidationError;
use crate::store::{FetchedPage, PageSpec};

/// One page of a listing: each item with the cursor that resumes after it, and whether
/// more follow.
#[derive(Debug)]
pub struct Page<T, P> {
    pub items: Vec<(Cursor<P>, T)>,
    pub has_next_page: bool,
    /// Every item the listing matches, when the request asked for it.
    pub total_count: Option<u64>,
}

impl<T, P> Page<T, P> {
    /// The same page with its items turned into others all at once (each keeps its
    /// cursor), for items that share what they load.
    pub fn map_all<N>(self, map: impl FnOnce(Vec<T>) -> Vec<N>) -> Page<N, P> {
        let (cursors, items): (Vec<_>, Vec<_>) = self.items.into_iter().unzip();
        Page {
            items: cursors.into_iter().zip(map(items)).collect(),
            has_next_page: self.has_next_page,
            total_count: self.total_count,
        }
    }

    /// The page of `fetched` rows, each with the cursor that resumes after it.
    pub fn of(fetched: FetchedPage<T>, cursor: impl Fn(&T) -> Cursor<P>) -> Self {
        Self {
            items: fetched
                .rows
                .into_iter()
                .map(|item| (cursor(&item), item))
                .collect(),
            has_next_page: fetched.has_more,
            total_count: fetched.total,
        }
    }
}

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

/// What to fetch for a client's `first`, counting every match too when `count_total`.
pub fn page_spec(first: Option<i32>, count_total: bool) -> Result<PageSpec, ValidationError> {
    Ok(PageSpec {
        limit: page_size(first)?,
        count_total,
    })
}

/// Where a listing resumes: a position in one ordering. A cursor names its ordering, so
/// that one issued for another ordering is refused rather than misread. The edge turns
/// it into an opaque string and back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor<P> {
    #[serde(rename = "o")]
    pub ordering: String,
    #[serde(rename = "p")]
    pub position: P,
}

impl<P> Cursor<P> {
    pub fn new(ordering: impl Into<String>, position: P) -> Self {
        Self {
            ordering: ordering.into(),
            position,
        }
    }

    /// The position, when the cursor was issued for `ordering`.
    pub fn position_in(self, ordering: &str) -> Result<P, ValidationError> {
        if self.ordering != ordering {
            return Err(ValidationError::new(
                "after",
                "the cursor belongs to a different ordering; start again without `after`",
            ));
        }
        Ok(self.position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_bound_to_their_ordering() {
        let cursor = Cursor::new("CREATED_AT:DESC", (42, "x".to_owned()));
        assert_eq!(
            cursor.clone().position_in("CREATED_AT:DESC").unwrap(),
            (42, "x".to_owned())
        );
        assert_eq!(cursor.position_in("TITLE:ASC").unwrap_err().field, "after");
    }

    #[test]
    fn page_sizes_default_and_cap() {
        assert_eq!(page_size(None).unwrap(), 50);
        assert_eq!(page_size(Some(1000)).unwrap(), 200);
        assert_eq!(page_size(Some(0)).unwrap(), 0);
        assert!(page_size(Some(-1)).is_err());
    }
}
