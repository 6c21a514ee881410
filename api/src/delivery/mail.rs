//! Reminder emails over SMTP (`lettre`): a text and an HTML part, the due time in the
//! user's zone, links to Complete and Snooze, and one-click unsubscribe (RFC 8058).

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use secrecy::{ExposeSecret as _, SecretString};

use crate::domain::delivery::AttemptOutcome;
use crate::domain::validation::is_loopback_url;
use crate::html::escape;

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("not an smtp:// or smtps:// URL: {0}")]
    Url(String),
    #[error(transparent)]
    Transport(#[from] lettre::transport::smtp::Error),
}

/// Sends mail through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `smtps://user:pass@host:465` (TLS from the start) or `smtp://host:587`, which
    /// requires STARTTLS unless the URL says otherwise (`?tls=opportunistic`, or plain
    /// for a server on the loopback address).
    pub fn new(url: &SecretString, from: Mailbox) -> Result<Self, MailConfigError> {
        let url = with_tls_default(url.expose_secret())?;
        Ok(Self {
            transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)?.build(),
            from,
        })
    }

    /// Whether `url` is an SMTP URL the mailer can use; connects nowhere.
    pub fn check_url(url: &SecretString) -> Result<(), MailConfigError> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(&with_tls_default(url.expose_secret())?)?;
        Ok(())
    }

    pub async fn send(&self, email: &impl Email) -> AttemptOutcome {
        let message = match email.message(&self.from) {
            Ok(message) => message,
            Err(error) => return AttemptOutcome::Permanent { error },
        };
        match self.transport.send(message).await {
            Ok(_) => AttemptOutcome::Sent,
            Err(error) if error.is_permanent() => AttemptOutcome::Permanent {
                error: format!("the mail server refused it: {error}"),
            },
            Err(error) => AttemptOutcome::Transient {
                error: format!("mail server: {error}"),
                retry_after: None,
            },
        }
    }
}

/// An `smtp://` URL without a `tls` setting requires STARTTLS, except to a loopback
/// host, where plain SMTP is taken when the server offers no TLS.
fn with_tls_default(url: &str) -> Result<String, MailConfigError> {
    let parsed = url::Url::parse(url).map_err(|_| MailConfigError::Url("unparsable".into()))?;
    match parsed.scheme() {
        "smtps" => Ok(url.to_owned()),
        "smtp" if parsed.query_pairs().any(|(key, _)| key == "tls") => Ok(url.to_owned()),
        "smtp" => {
            let mode = if is_loopback_url(&parsed) {
                "opportunistic"
            } else {
                "required"
            };
            let mut with_tls = parsed;
            with_tls.query_pairs_mut().append_pair("tls", mode);
            Ok(with_tls.into())
        }
        other => Err(MailConfigError::Url(format!("scheme {other}:"))),
    }
}

/// One reminder, as an email.
pub struct ReminderEmail<'a> {
    pub to: &'a str,
    pub display_name: &'a str,
    pub task_title: &'a str,
    /// "Tue 8 Dec 2026, 09:00 (Europe/Berlin)".
    pub due_local: &'a str,
    pub task_url: &'a str,
    pub complete_url: &'a str,
    pub snooze_url: &'a str,
    pub unsubscribe_url: &'a str,
    /// Stable per delivery, so a message sent again is recognised as the same one.
    pub message_id: &'a str,
}

/// A message this service mails.
pub trait Email {
    fn message(&self, from: &Mailbox) -> Result<Message, String>;
}

/// Who a message goes to, and what every message of ours carries besides its body.
struct Envelope<'a> {
    to: &'a str,
    display_name: &'a str,
    subject: String,
    message_id: &'a str,
    unsubscribe_url: &'a str,
}

impl Envelope<'_> {
    /// The message: a text and an HTML part, `List-Unsubscribe` with one-click POST
    /// (RFC 8058), and the footer saying why it came and how to stop it.
    fn message(&self, from: &Mailbox, text: &str, html: &str) -> Result<Message, String> {
        let to: Mailbox = format!(
            "{} <{}>",
            self.display_name.replace(['<', '>', '"'], ""),
            self.to
        )
        .parse()
        .or_else(|_| self.to.parse())
        .map_err(|error| format!("bad recipient address: {error}"))?;
        let text = format!(
            "{text}\nYou get this because you turned these emails on in your settings.\n\
             Stop these emails: {}\n",
            self.unsubscribe_url
        );
        let html = format!(
            "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#1f2937\">\
             {html}<p style=\"font-size:12px;color:#6b7280\">You get this because you turned \
             these emails on in your settings. <a href=\"{}\">Stop these emails</a>.</p>\
             </body></html>",
            escape(self.unsubscribe_url)
        );
        Message::builder()
            .from(from.clone())
            .to(to)
            .subject(self.subject.clone())
            .message_id(Some(self.message_id.to_owned()))
            .header(ListUnsubscribe(format!("<{}>", self.unsubscribe_url)))
            .header(ListUnsubscribePost)
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|error| format!("composing the email: {error}"))
    }
}

const BUTTON: &str = "display:inline-block;padding:8px 16px;margin-right:8px;border-radius:6px;\
                      background:#2563eb;color:#ffffff;text-decoration:none;font-weight:600";

impl Email for ReminderEmail<'_> {
    fn message(&self, from: &Mailbox) -> Result<Message, String> {
        let envelope = Envelope {
            to: self.to,
            display_name: self.display_name,
            subject: format!("Reminder: {}", self.task_title),
            message_id: self.message_id,
            unsubscribe_url: self.unsubscribe_url,
        };
        let text = format!(
            "{title}\nDue {due}\n\nComplete: {complete}\nSnooze for an hour: {snooze}\nOpen: {open}\n",
            title = self.task_title,
            due = self.due_local,
            complete = self.complete_url,
            snooze = self.snooze_url,
            open = self.task_url,
        );
        let html = format!(
            "<h1 style=\"font-size:20px;margin:0 0 4px\">{title}</h1>\
             <p style=\"margin:0 0 16px;color:#4b5563\">Due {due}</p>\
             <p><a href=\"{complete}\" style=\"{BUTTON}\">Complete</a>\
             <a href=\"{snooze}\" style=\"{BUTTON};background:#4b5563\">Snooze 1 hour</a></p>\
             <p><a href=\"{open}\">Open the task</a></p>",
            title = escape(self.task_title),
            due = escape(self.due_local),
            complete = escape(self.complete_url),
            snooze = escape(self.snooze_url),
            open = escape(self.task_url),
        );
        envelope.message(from, &text, &html)
    }
}

/// One line of a digest.
pub struct DigestLine {
    pub title: String,
    /// "09:00", or "Overdue since Mon 3 Jan, 09:00".
    pub when: String,
    pub overdue: bool,
    pub url: String,
}

/// The daily digest: what is due today and what is overdue.
pub struct DigestEmail<'a> {
    pub to: &'a str,
    pub display_name: &'a str,
    /// "Tue 8 Dec".
    pub day: &'a str,
    pub lines: &'a [DigestLine],
    pub app_url: &'a str,
    pub unsubscribe_url: &'a str,
    pub message_id: &'a str,
}

impl Email for DigestEmail<'_> {
    fn message(&self, from: &Mailbox) -> Result<Message, String> {
        let overdue = self.lines.iter().filter(|line| line.overdue).count();
        let due_today = self.lines.len() - overdue;
        let envelope = Envelope {
            to: self.to,
            display_name: self.display_name,
            subject: format!("Today, {}: {due_today} due, {overdue} overdue", self.day),
            message_id: self.message_id,
            unsubscribe_url: self.unsubscribe_url,
        };
        let mut text = format!("Your tasks for {}\n\n", self.day);
        let mut items = String::new();
        for line in self.lines {
            text.push_str(&format!("- {} ({}) {}\n", line.title, line.when, line.url));
            let colour = if line.overdue { "#b91c1c" } else { "#4b5563" };
            items.push_str(&format!(
                "<li style=\"margin:4px 0\"><a href=\"{url}\">{title}</a> \
                 <span style=\"color:{colour}\">{when}</span></li>",
                url = escape(&line.url),
                title = escape(&line.title),
                when = escape(&line.when),
            ));
        }
        text.push_str(&format!("\nOpen your tasks: {}\n", self.app_url));
        let html = format!(
            "<h1 style=\"font-size:20px;margin:0 0 8px\">Your tasks for {day}</h1>\
             <ul style=\"padding-left:20px\">{items}</ul>\
             <p><a href=\"{app}\" style=\"{BUTTON}\">Open your tasks</a></p>",
            day = escape(self.day),
            app = escape(self.app_url),
        );
        envelope.message(from, &text, &html)
    }
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail clients may
/// unsubscribe with one POST to the link, no page in between.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_require_starttls_except_on_loopback() {
        assert_eq!(
            with_tls_default("smtp://mail.example.com:587").unwrap(),
            "smtp://mail.example.com:587?tls=required"
        );
        assert_eq!(
            with_tls_default("smtp://127.0.0.1:2525").unwrap(),
            "smtp://127.0.0.1:2525?tls=opportunistic"
        );
        assert_eq!(
            with_tls_default("smtp://mail.example.com:25?tls=opportunistic").unwrap(),
            "smtp://mail.example.com:25?tls=opportunistic"
        );
        assert_eq!(
            with_tls_default("smtps://u:p@mail.example.com:465").unwrap(),
            "smtps://u:p@mail.example.com:465"
        );
        assert!(with_tls_default("http://mail.example.com").is_err());
    }
}
