use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{SecondsFormat, Utc};

use super::error::code;
use crate::domain::validation::{MAX_YEAR, MIN_YEAR, clamp_to_supported_range, in_supported_range};

/// An instant, as an RFC 3339 string. Output is always UTC with `Z`; input may carry any
/// offset and is converted to UTC. Only years 1 to 9999 (in UTC) exist here: beyond them
/// RFC 3339 has no spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(text) = &value else {
            return Err(InputValueError::expected_type(value));
        };
        let at = chrono::DateTime::parse_from_rfc3339(text)
            .map_err(|_| {
                bad_value(format!(
                    "{text:?} is not an RFC 3339 date-time such as \"2027-05-01T09:00:00Z\""
                ))
            })?
            .with_timezone(&Utc);
        // An offset can carry 9999-12-31T23:00:00-02:00 into year 10000 (and
        // 0001-01-01T00:00:00+01:00 into year 0), which could not be written back.
        if !in_supported_range(at) {
            return Err(bad_value(format!(
                "{text:?} lies outside the supported years {MIN_YEAR} to {MAX_YEAR} (in UTC)"
            )));
        }
        Ok(Self(at))
    }

    fn to_value(&self) -> Value {
        Value::String(rfc3339(self.0))
    }
}

/// A string of the right type whose content is refused: the user's input to fix, like
/// any other `BAD_USER_INPUT` (a value of the wrong type stays the engine's refusal).
fn bad_value(message: String) -> InputValueError<DateTime> {
    InputValueError::custom(message).with_extension("code", code::BAD_USER_INPUT)
}

/// Writes an instant as RFC 3339. Nothing the service computes leaves years 1 to 9999,
/// but should a stored value ever do so, the nearest representable instant is sent
/// rather than a string (`+10000-01-01T…`) that no client can parse.
fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    let representable = clamp_to_supported_range(at);
    if representable != at {
        tracing::warn!(%at, "instant outside years {MIN_YEAR} to {MAX_YEAR} clamped on output");
    }
    representable.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(at: chrono::DateTime<Utc>) -> Self {
        Self(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> InputValueResult<DateTime> {
        <DateTime as ScalarType>::parse(Value::String(text.to_owned()))
    }

    #[test]
    fn accepts_years_1_to_9999_in_utc() {
        assert!(parse("0001-01-01T00:00:00Z").is_ok());
        assert!(parse("9999-12-31T23:59:59Z").is_ok());
        assert_eq!(
            parse("2027-05-01T09:00:00+02:00").unwrap().to_value(),
            Value::String("2027-05-01T07:00:00Z".to_owned())
        );
    }

    #[test]
    fn refuses_instants_that_leave_the_range_through_their_offset() {
        for text in [
            "9999-12-31T23:00:00-02:00",
            "0001-01-01T00:00:00+01:00",
            "0000-06-01T00:00:00Z",
        ] {
            let error = parse(text)
                .unwrap_err()
                .into_server_error(Default::default());
            assert!(
                error.message.contains("supported years"),
                "{text}: {error:?}"
            );
        }
    }

    #[test]
    fn output_never_leaves_the_range() {
        use chrono::TimeZone;
        let beyond = Utc.with_ymd_and_hms(10000, 1, 1, 9, 0, 0).unwrap();
        assert_eq!(
            DateTime(beyond).to_value(),
            Value::String("9999-12-31T23:59:59Z".to_owned())
        );
        let before = Utc.with_ymd_and_hms(0, 12, 31, 23, 0, 0).unwrap();
        assert_eq!(
            DateTime(before).to_value(),
            Value::String("0001-01-01T00:00:00Z".to_owned())
        );
    }
}
