//! Where messages go: an SMTP server (`KIRJAAMO_SMTP_URL`), .eml files in the data folder (the
//! default, so a newcomer can read what was sent), or memory (tests).

use anyhow::Context;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// One message as the worker hands it over.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    /// The one-click unsubscribe address, for messages people can stop getting.
    pub list_unsubscribe: Option<String>,
}

/// A delivery failure: temporary ones are retried, permanent ones fail at once.
#[derive(Debug)]
pub enum SendError {
    Temporary(String),
    Permanent(String),
}

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<Outgoing>>>),
}

impl Transport {
    pub fn from_config(config: &crate::Config) -> anyhow::Result<Transport> {
        match &config.smtp_url {
            Some(url) => Ok(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .with_context(|| format!("KIRJAAMO_SMTP_URL {}", crate::db::redact(url)))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            )),
            None => Ok(Transport::Files(config.mail_dir())),
        }
    }

    pub fn memory() -> (Transport, Arc<Mutex<Vec<Outgoing>>>) {
        let store = Arc::new(Mutex::new(Vec::new()));
        (Transport::Memory(store.clone()), store)
    }

    pub async fn send(&self, from: &str, msg: &Outgoing) -> Result<(), SendError> {
        match self {
            Transport::Memory(store) => {
                store
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(msg.clone());
                Ok(())
            }
            Transport::Files(dir) => {
                let email = build(from, msg).map_err(|e| SendError::Permanent(e.to_string()))?;
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| SendError::Temporary(format!("mail folder: {e}")))?;
                let path = dir.join(format!("{:08}.eml", msg.id));
                tokio::fs::write(&path, email.formatted())
                    .await
                    .map_err(|e| SendError::Temporary(format!("writing {}: {e}", path.display())))
            }
            Transport::Smtp(smtp) => {
                let email = build(from, msg).map_err(|e| SendError::Permanent(e.to_string()))?;
                match smtp.send(email).await {
                    Ok(_) => Ok(()),
                    Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                    Err(e) => Err(SendError::Temporary(e.to_string())),
                }
            }
        }
    }
}

/// `List-Unsubscribe: <https://…>` (RFC 2369): where a mail program's own unsubscribe
/// button leads. The address is ours (base URL and a signed token), on one line.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the mail program may POST
/// to the address to unsubscribe at once, without opening a page.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

/// Builds the message with lettre's typed headers only: names and subjects are encoded by
/// lettre, never pasted into header text.
pub fn build(from: &str, msg: &Outgoing) -> anyhow::Result<Message> {
    let from: Mailbox = from
        .parse()
        .context("KIRJAAMO_MAIL_FROM is not an address")?;
    let to = Mailbox::new(
        Some(super::one_line(&msg.to_name)),
        msg.to_email.parse().context("recipient address")?,
    );
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(super::one_line(&msg.subject))
        .message_id(Some(msg.message_id.clone()));
    if let Some(url) = msg.list_unsubscribe.as_deref() {
        builder = builder
            .header(ListUnsubscribe(format!("<{}>", super::one_line(url))))
            .header(ListUnsubscribePost);
    }
    Ok(builder.multipart(
        MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(msg.text.clone()),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(msg.html.clone()),
            ),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_name_adds_no_header() {
        let msg = Outgoing {
            id: 1,
            to_email: "maija@example.fi".into(),
            to_name: "Maija\r\nBcc: evil@example.com".into(),
            subject: "Hei\nBcc: evil@example.com".into(),
            text: "x".into(),
            html: "<p>x</p>".into(),
            message_id: "<abc@kirjaamo>".into(),
            list_unsubscribe: None,
        };
        let raw = String::from_utf8(
            build("Kirjaamo <noreply@kirjaamo.invalid>", &msg)
                .unwrap()
                .formatted(),
        )
        .unwrap();
        let headers = raw.split("\r\n\r\n").next().unwrap();
        assert!(
            !headers
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{headers}"
        );
        assert!(headers.contains("Message-ID: <abc@kirjaamo>"), "{headers}");
        assert!(!headers.contains("List-Unsubscribe"), "{headers}");
    }

    #[test]
    fn an_unsubscribable_message_offers_one_click() {
        let long = format!(
            "https://kirjaamo.example.fi/keskustelut/peru-tilaus/{}",
            "a".repeat(150)
        );
        let msg = Outgoing {
            id: 2,
            to_email: "maija@example.fi".into(),
            to_name: "Maija".into(),
            subject: "Uusi viesti".into(),
            text: "x".into(),
            html: "<p>x</p>".into(),
            message_id: "<def@kirjaamo>".into(),
            list_unsubscribe: Some(format!("{long}\r\nBcc: evil@example.com")),
        };
        let raw = String::from_utf8(
            build("Kirjaamo <noreply@kirjaamo.invalid>", &msg)
                .unwrap()
                .formatted(),
        )
        .unwrap();
        let headers = raw.split("\r\n\r\n").next().unwrap();
        // Unfolded, the header carries the address in angle brackets, on one logical line.
        let unfolded = headers.replace("\r\n ", " ").replace("\r\n\t", " ");
        assert!(
            unfolded.contains(&format!("List-Unsubscribe: <{long} Bcc: evil@example.com>")),
            "{headers}"
        );
        assert!(
            headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
            "{headers}"
        );
        assert!(
            !headers
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{headers}"
        );
    }
}
