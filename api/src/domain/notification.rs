//! What a notification is about.

use sea_orm::DeriveValueType;

/// The kind of a notification; the service makes reminders, the others are for what
/// may come (system messages, actions to take).
#[derive(Debug, Clone, Copy, PartialEq, Eq, DeriveValueType, strum::Display, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)]
#[sea_orm(value_type = "String")]
#[strum(
    serialize_all = "SCREAMING_SNAKE_CASE",
    parse_err_ty = super::UnknownName,
    parse_err_fn = super::UnknownName::of::<Self>
)]
pub enum NotificationKind {
    Reminder,
    System,
    Action,
}

#[cfg(test)]
mod tests {
    use strum::VariantArray as _;

    use super::*;

    #[test]
    fn kinds_read_back_by_name_and_unknown_names_are_refused() {
        for &kind in NotificationKind::VARIANTS {
            assert_eq!(kind.to_string().parse::<NotificationKind>(), Ok(kind));
        }
        let error = "ALARM".parse::<NotificationKind>().unwrap_err();
        assert_eq!(error.to_string(), "unknown NotificationKind \"ALARM\"");
    }
}
