//! Where messages go: an SMTP server (`KIRJAAMO_SMTP_URL`), .eml files in the data folder (the
//! default, so a newcomer can read what was sent), or memory (tests).

use anyhow::Context;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
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
    Ok(Message::builder()
        .from(from)
        .to(to)
        .subject(super::one_line(&msg.subject))
        .message_id(Some(msg.message_id.clone()))
        .multipart(
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
    }
}
