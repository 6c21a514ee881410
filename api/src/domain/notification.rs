//! What a notification is about.

use sea_orm::DeriveValueType;

/// The kind of a notification; the service makes reminders, the others are for what
/// may come (system messages, actions to take).
#[derive(Debug, Clone, Copy, PartialEq, Eq, DeriveValueType)]
#[sea_orm(value_type = "String")]
pub enum NotificationKind {
    Reminder,
    System,
    Action,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reminder => "REMINDER",
            Self::System => "SYSTEM",
            Self::Action => "ACTION",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Reminder, Self::System, Self::Action]
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

known_by_name!(NotificationKind);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_by_name_and_unknown_names_are_refused() {
        for kind in [
            NotificationKind::Reminder,
            NotificationKind::System,
            NotificationKind::Action,
        ] {
            assert_eq!(kind.to_string().parse::<NotificationKind>(), Ok(kind));
        }
        let error = "ALARM".parse::<NotificationKind>().unwrap_err();
        assert_eq!(error.to_string(), "unknown NotificationKind \"ALARM\"");
    }
}
