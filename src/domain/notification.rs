//! The notification (underretning) under Barnets lov for a child in the action plan. The plan
//! asks whether one has been made: "Nej" needs a reason; "Ja" needs the date it was sent and the
//! authority it went to, and its receipt is to be confirmed within six working days.

use time::Date;

use crate::domain::calendar::add_working_days;
use crate::domain::fields::{self as forms, FieldErrors};

/// Working days from sending to the confirmed receipt.
pub const RECEIPT_WORKING_DAYS: u32 = 6;
const AUTHORITY_MAX: usize = 200;
const REASON_MAX: usize = 4000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    Made { sent: Date, authority: String },
    NotMade { reason: String },
}

/// The fields as typed.
#[derive(Debug, Clone, Copy)]
pub struct NotificationInput<'a> {
    /// "ja" or "nej".
    pub made: &'a str,
    pub date: &'a str,
    pub authority: &'a str,
    pub reason: &'a str,
}

/// Checks the answer; errors at each field in Danish.
pub fn check(
    input: NotificationInput<'_>,
    today: Date,
    errors: &mut FieldErrors,
) -> Option<Notification> {
    match input.made {
        "ja" => {
            let sent = forms::past_date(
                errors,
                "notification_date",
                input.date,
                "Skriv datoen, underretningen blev sendt.",
                today,
            );
            let authority = forms::text(
                errors,
                "notification_authority",
                input.authority,
                true,
                AUTHORITY_MAX,
            );
            Some(Notification::Made {
                sent: sent?,
                authority: authority?,
            })
        }
        "nej" => forms::text(
            errors,
            "notification_reason",
            input.reason,
            true,
            REASON_MAX,
        )
        .map(|reason| Notification::NotMade { reason }),
        _ => {
            errors.add(
                "notification_made",
                "Svar på, om der er foretaget underretning efter Barnets lov.",
            );
            None
        }
    }
}

/// When the receipt of a notification sent on `sent` is to be confirmed.
pub fn receipt_due(sent: Date) -> Date {
    add_working_days(sent, RECEIPT_WORKING_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn checked(
        made: &str,
        date: &str,
        authority: &str,
        reason: &str,
    ) -> (Option<Notification>, FieldErrors) {
        let mut errors = FieldErrors::new();
        let n = check(
            NotificationInput {
                made,
                date,
                authority,
                reason,
            },
            date!(2026 - 11 - 20),
            &mut errors,
        );
        (n, errors)
    }

    #[test]
    fn no_needs_a_reason_and_yes_a_date_and_an_authority() {
        let (n, errors) = checked("nej", "", "", " ");
        assert!(n.is_none() && errors.has("notification_reason"));
        let (n, _) = checked("nej", "", "", "Forældrene har selv kontaktet kommunen.");
        assert!(matches!(n, Some(Notification::NotMade { .. })));
        let (n, errors) = checked("ja", "", "", "");
        assert!(
            n.is_none() && errors.has("notification_date") && errors.has("notification_authority")
        );
        let (_, errors) = checked("ja", "21.11.2026", "Børn og Familie", "");
        assert!(errors.has("notification_date"), "not in the future");
        let (n, errors) = checked("ja", "19.11.2026", "Børn og Familie", "");
        assert!(errors.is_empty());
        assert_eq!(
            n,
            Some(Notification::Made {
                sent: date!(2026 - 11 - 19),
                authority: "Børn og Familie".to_owned()
            })
        );
        let (_, errors) = checked("", "", "", "");
        assert!(errors.has("notification_made"));
    }

    #[test]
    fn the_receipt_is_due_six_working_days_after_sending() {
        // Thursday 19 November 2026: six working days on is Friday 27 November.
        assert_eq!(receipt_due(date!(2026 - 11 - 19)), date!(2026 - 11 - 27));
    }
}
