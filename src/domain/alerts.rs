//! Alerts ("beskeder"): what a user is told happened, in the app and by mail. An alert is a
//! kind, the Infohus it concerns and a link to a page that requires login — nothing else, so
//! that no name, CPR number, address or free text can reach a mailbox: the mail is composed
//! from those three alone ([`compose`]).

use time::Duration;

use crate::domain::code::code_enum;

code_enum! {
    /// What happened, as stored in `alerts.kind`; the label is the sentence the user reads.
    pub enum AlertKind {
        ConcernReceived => ("concern_received", "Infohus har modtaget din bekymring"),
        QuestionFromLeader => ("question_from_leader", "Din leder har sendt din bekymring tilbage med et spørgsmål"),
        ConcernInInbox => ("concern_in_inbox", "Der er en ny bekymring i din indbakke"),
        ReporterReplied => ("reporter_replied", "Medarbejderen har svaret på dit spørgsmål til en bekymring"),
        ConcernInQueue => ("concern_in_queue", "Der er en ny bekymring i indgangen"),
        CaseToScreening => ("case_to_screening", "En sag er sendt til politiets screening"),
        ScreeningDueSoon => ("screening_due_soon", "Fristen for en screening udløber inden for én arbejdsdag"),
        ScreeningOverdue => ("screening_overdue", "Fristen for en screening er overskredet"),
        AddedToTeam => ("added_to_team", "Du er sat på en sags team"),
        ReviewDue => ("review_due", "En indsats, du er ansvarlig for, skal snart følges op"),
        ReviewOverdue => ("review_overdue", "Opfølgningen på en indsats, du er ansvarlig for, er overskredet"),
        PostClosureReviewDue => ("post_closure_review_due", "En opfølgning efter afslutning af en sag skal snart laves"),
    }
}

code_enum! {
    /// How a user wants their alerts mailed (`users.alert_mail`), chosen on "Mine indstillinger".
    pub enum MailChoice {
        Immediate => ("immediate", "Med det samme, én mail pr. besked"),
        Daily => ("daily", "Én samlet mail om dagen"),
        None => ("none", "Ingen mails – kun her i Infohus"),
    }
}

/// How many times a mail is tried before it is marked failed and shown to the admins: with
/// the back-off, about ten hours of a mail server that does not answer.
pub const MAX_ATTEMPTS: i32 = 12;

/// An alert not mailed within this long is not mailed at all (it stays in the app): after an
/// installation ran without a mail server, or a user's choice changed back, a flood of old
/// news helps no one.
pub const MAIL_WITHIN: Duration = Duration::days(3);

/// The wait before the next try after `attempts` failed ones: one minute, doubling, at most
/// two hours, so that a mail server down for a morning is not hammered and a short outage
/// delays mail by minutes.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 8) - 1;
    Duration::minutes((1_i64 << exponent).min(120))
}

/// A mail ready to send: subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub subject: String,
    pub body: String,
}

/// The closing lines every mail ends with: why it says so little, and where to change it.
fn footer(public_url: &str) -> String {
    format!(
        "Af hensyn til fortroligheden står der aldrig navne eller andre personoplysninger i mails fra Infohus. Du skal logge ind for at se mere.\n\nDu kan vælge, hvordan du får beskeder, under Mine indstillinger: {public_url}/indstillinger\n"
    )
}

/// One alert's mail.
pub fn compose(kind: AlertKind, infohus_name: &str, public_url: &str, link: &str) -> Composed {
    let public_url = public_url.trim_end_matches('/');
    Composed {
        subject: format!("{infohus_name}: {}", kind.label()),
        body: format!(
            "Hej\n\nNy besked fra {infohus_name}: {}.\n\nSe den her (kræver login):\n{public_url}{link}\n\n{}",
            kind.label(),
            footer(public_url)
        ),
    }
}

/// One alert in a daily mail: what, where, and the page.
#[derive(Debug, Clone)]
pub struct DailyItem<'a> {
    pub kind: AlertKind,
    pub infohus_name: &'a str,
    pub link: &'a str,
}

/// The day's alerts of one user in one mail.
pub fn compose_daily(items: &[DailyItem<'_>], public_url: &str) -> Composed {
    let public_url = public_url.trim_end_matches('/');
    let mut lines = String::new();
    for item in items {
        lines.push_str(&format!(
            "- {}: {}.\n  {public_url}{}\n",
            item.infohus_name,
            item.kind.label(),
            item.link
        ));
    }
    let count = items.len();
    let noun = if count == 1 { "besked" } else { "beskeder" };
    Composed {
        subject: format!("Infohus: {count} {noun} siden i går"),
        body: format!(
            "Hej\n\nHer er dine beskeder fra Infohus siden sidste samlede mail. Alle links kræver login.\n\n{lines}\nDu kan også se dem under Beskeder: {public_url}/beskeder\n\n{}",
            footer(public_url)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of every mail is fixed text, the Infohus name, or the link: there is no
    /// place for anything else. Checked line by line against what the mail was composed from.
    #[test]
    fn a_mail_holds_only_its_kind_the_infohus_and_the_link() {
        let url = "https://infohus.example.dk";
        for kind in AlertKind::ALL {
            let link = "/sager/0b5d5a4e-98b4-4bb3-8b0b-7c1c0fb0b8a1";
            let mail = compose(kind, "Infohus Randers", url, link);
            assert_eq!(mail.subject, format!("Infohus Randers: {}", kind.label()));
            let allowed = [
                "Hej".to_owned(),
                String::new(),
                format!("Ny besked fra Infohus Randers: {}.", kind.label()),
                "Se den her (kræver login):".to_owned(),
                format!("{url}{link}"),
            ];
            let footer = footer(url);
            for line in mail.body.lines() {
                assert!(
                    allowed.contains(&line.to_owned()) || footer.lines().any(|f| f == line),
                    "{kind:?}: {line:?}"
                );
            }
        }
    }

    #[test]
    fn a_daily_mail_lists_each_alert_once() {
        let items: Vec<DailyItem> = AlertKind::ALL
            .iter()
            .map(|&kind| DailyItem {
                kind,
                infohus_name: "Infohus Ballerup",
                link: "/beskeder",
            })
            .collect();
        let mail = compose_daily(&items, "http://127.0.0.1:8080/");
        assert_eq!(
            mail.subject,
            format!("Infohus: {} beskeder siden i går", items.len())
        );
        for kind in AlertKind::ALL {
            assert_eq!(mail.body.matches(kind.label()).count(), 1, "{kind:?}");
        }
        assert!(mail.body.contains("http://127.0.0.1:8080/beskeder"));
        assert!(!mail.body.contains("8080//"));
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_two_hours() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(5), Duration::minutes(16));
        assert_eq!(backoff(8), Duration::minutes(120));
        assert_eq!(backoff(40), Duration::minutes(120));
        assert_eq!(backoff(0), Duration::minutes(1));
    }
}
