//! The file formats tasks travel in: iCalendar for calendar apps (the feed, VTODO export
//! and import). Pure: they turn domain values into text and back, no I/O.

pub mod ical;
mod vtimezone;
