//! The file formats tasks travel in: iCalendar for calendar apps (the feed, VTODO export
//! and import), our own JSON export, and Todoist's CSV. Pure: they turn domain values
//! into text and back, no I/O.

pub mod archive;
pub mod ical;
pub mod import;
pub mod todoist;
mod vtimezone;
