//! The list's filters as the user sets them, and as the address keeps them: the query
//! segment of `/?status=done&priority=high&q=rent`, so a filtered view can be linked,
//! reloaded, and stepped through with back and forward.

use std::fmt;

use crate::api::{Id, OrderDirection, Priority, TaskFilter, TaskOrder, TaskOrderField};
use crate::store::ListQuery;
use crate::time::{self, Wall};

#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum Status {
    #[default]
    Open,
    Done,
    All,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Done => "Done",
            Self::All => "All",
        }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum Order {
    /// Grouped: overdue, today, upcoming, no date.
    #[default]
    Due,
    Newest,
    Oldest,
    Priority,
    Title,
}

impl Order {
    pub fn label(self) -> &'static str {
        match self {
            Self::Newest => "Newest first",
            Self::Oldest => "Oldest first",
            Self::Due => "Due date",
            Self::Priority => "Priority",
            Self::Title => "Title",
        }
    }

    fn server(self) -> TaskOrder {
        let (field, direction) = match self {
            Self::Newest => (TaskOrderField::CreatedAt, OrderDirection::Desc),
            Self::Oldest => (TaskOrderField::CreatedAt, OrderDirection::Asc),
            Self::Due => (TaskOrderField::DueAt, OrderDirection::Asc),
            Self::Priority => (TaskOrderField::Priority, OrderDirection::Desc),
            Self::Title => (TaskOrderField::Title, OrderDirection::Asc),
        };
        TaskOrder { field, direction }
    }
}

/// The filter bar's state. Text is kept as typed; dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilters {
    pub status: Status,
    pub priority: Option<Priority>,
    /// The project shown (its id); empty for every project.
    pub project: String,
    /// A label's id; empty for any labels.
    pub label: String,
    pub due_from: String,
    pub due_to: String,
    pub recurring: bool,
    pub search: String,
    pub order: Order,
    /// Whether the refinements (priority, label, dates, recurring) are unfolded.
    pub refine: bool,
}

impl ListFilters {
    /// What the server is asked; dates are whole days in `zone`, from the start of one
    /// to the end of the other.
    pub fn query(&self, zone: &str) -> ListQuery {
        let day = |date: &str, days: f64| {
            Wall::parse(date, "00:00")
                .map(|w| time::to_datetime(time::instant_of(zone, w) + days * 86_400_000.0))
        };
        let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        ListQuery {
            filter: TaskFilter {
                completed: match self.status {
                    Status::Open => Some(false),
                    Status::Done => Some(true),
                    Status::All => None,
                },
                priority: self.priority,
                project_id: text(&self.project).map(Id::new),
                label_ids: text(&self.label).map(|l| vec![Id::new(l)]),
                due_after: day(&self.due_from, 0.0),
                due_before: day(&self.due_to, 1.0),
                recurring: self.recurring.then_some(true),
                search: text(&self.search),
            },
            order: self.order.server(),
        }
    }

    /// Whether the list shows in groups by due date: open tasks by due date.
    pub fn grouped(&self) -> bool {
        self.order == Order::Due && self.status == Status::Open
    }

    pub fn narrowed(&self) -> bool {
        self.refinements() > 0 || !self.search.trim().is_empty()
    }

    /// How many of the second row's filters are set (shown on its toggle).
    pub fn refinements(&self) -> usize {
        [
            self.priority.is_some(),
            !self.label.is_empty(),
            !self.due_from.is_empty(),
            !self.due_to.is_empty(),
            self.recurring,
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
    }
}

/// Read from the query segment, which the router has percent-decoded whole; a value
/// that does not parse leaves its filter unset.
impl From<&str> for ListFilters {
    fn from(query: &str) -> Self {
        let mut filters = Self::default();
        for pair in query.split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let value = unescape(value);
            match key {
                "status" => filters.status = value.parse().unwrap_or_default(),
                "priority" => filters.priority = value.parse().ok(),
                "project" => filters.project = value,
                "label" => filters.label = value,
                "from" => filters.due_from = value,
                "to" => filters.due_to = value,
                "recurring" => filters.recurring = value == "true",
                "q" => filters.search = value,
                "order" => filters.order = value.parse().unwrap_or_default(),
                "filters" => filters.refine = value == "shown",
                _ => {}
            }
        }
        filters
    }
}

/// Written as the query segment: only what differs from the defaults.
impl fmt::Display for ListFilters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let defaults = Self::default();
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if self.status != defaults.status {
            pairs.push(("status", self.status.to_string()));
        }
        if let Some(priority) = self.priority {
            pairs.push(("priority", priority.to_string()));
        }
        for (key, text) in [
            ("project", &self.project),
            ("label", &self.label),
            ("from", &self.due_from),
            ("to", &self.due_to),
            ("q", &self.search),
        ] {
            if !text.is_empty() {
                pairs.push((key, escape(text)));
            }
        }
        if self.recurring {
            pairs.push(("recurring", "true".to_owned()));
        }
        if self.order != defaults.order {
            pairs.push(("order", self.order.to_string()));
        }
        if self.refine {
            pairs.push(("filters", "shown".to_owned()));
        }
        let mut first = true;
        for (key, value) in pairs {
            if !first {
                f.write_str("&")?;
            }
            first = false;
            write!(f, "{key}={value}")?;
        }
        Ok(())
    }
}

/// Keeps `%`, `&` and `=` in a value from reading as the query's own. The router
/// percent-decodes the whole query once before `From<&str>` sees it, and writes a `%`
/// as it is, so each is written percent-encoded twice (`&` as `%2526`), which the
/// router's decoding brings back to once (`%26`) and `unescape` to the character.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '%' => out.push_str("%2525"),
            '&' => out.push_str("%2526"),
            '=' => out.push_str("%253D"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3).unwrap_or("");
        let decoded = match code.to_ascii_uppercase().as_str() {
            "25" => Some('%'),
            "26" => Some('&'),
            "3D" => Some('='),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::Route;

    fn through_the_address(filters: ListFilters) -> ListFilters {
        let address = Route::Tasks { filters }.to_string();
        match address.parse::<Route>().unwrap() {
            Route::Tasks { filters } => filters,
            other => panic!("{address} read back as {other:?}"),
        }
    }

    #[wasm_bindgen_test]
    fn the_defaults_make_a_bare_address() {
        assert_eq!(ListFilters::default().to_string(), "");
        assert_eq!(
            through_the_address(ListFilters::default()),
            ListFilters::default()
        );
        assert_eq!(
            "/".parse::<Route>().unwrap(),
            Route::Tasks {
                filters: ListFilters::default()
            }
        );
    }

    #[wasm_bindgen_test]
    fn every_filter_survives_the_address() {
        let filters = ListFilters {
            status: Status::Done,
            priority: Some(Priority::Urgent),
            project: "p-1".into(),
            label: "Home & garden".into(),
            due_from: "2027-01-01".into(),
            due_to: "2027-01-31".into(),
            recurring: true,
            search: "50% = half & #1 über".into(),
            order: Order::Priority,
            refine: true,
        };
        assert_eq!(through_the_address(filters.clone()), filters);
        let plain = ListFilters {
            search: "%26 %zz %".into(),
            ..ListFilters::default()
        };
        assert_eq!(through_the_address(plain.clone()), plain);
    }

    #[wasm_bindgen_test]
    fn a_value_that_does_not_parse_is_left_unset() {
        let filters = ListFilters::from("status=later&priority=huge&order=best&x=1&q=rent");
        assert_eq!(
            filters,
            ListFilters {
                search: "rent".into(),
                ..ListFilters::default()
            }
        );
    }

    #[wasm_bindgen_test]
    fn dates_are_whole_days_in_the_users_zone() {
        let filters = ListFilters {
            due_from: "2027-01-01".into(),
            due_to: "2027-01-31".into(),
            ..ListFilters::default()
        };
        let query = filters.query("Europe/Berlin");
        assert_eq!(query.filter.due_after.unwrap().0, "2026-12-31T23:00:00Z");
        assert_eq!(query.filter.due_before.unwrap().0, "2027-01-31T23:00:00Z");
        assert_eq!(query.filter.completed, Some(false));
    }
}
