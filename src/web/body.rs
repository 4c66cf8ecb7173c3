//! Request bodies as the frame receives them: every body must arrive within
//! `Config::body_timeout_secs` (a client trickling its body is cut off as one trickling its
//! headers is), forms are buffered once (bounded) for the CSRF check and handed on unchanged,
//! and a NUL in the address is refused with 400 (no page can use one, and PostgreSQL would
//! refuse to store it). A NUL in a form value reaches the handler, whose validation names the
//! field; one that slips through is a 400 too (`AppError` from the database error).

use actix_web::dev::{Payload, ServiceRequest};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::HttpMessage;
use futures_util::{Stream, StreamExt};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The form field (and, for multipart uploads, the query parameter) carrying a creating form's
/// idempotency key ([`super::idempotency`]).
pub const IDEMPOTENCY_FIELD: &str = "idempotency_key";

/// The largest form body read (a bulk CSV goes as multipart and is limited where read).
pub const FORM_LIMIT: usize = 1024 * 1024;

/// A payload that fails once its deadline has passed, whether or not bytes are arriving; it
/// notes when the body has been read to its end.
struct Deadline {
    inner: Payload,
    sleep: Pin<Box<tokio::time::Sleep>>,
    expired: bool,
    complete: Rc<Cell<bool>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            if item.is_none() {
                self.complete.set(true);
            }
            return Poll::Ready(item);
        }
        if self.sleep.as_mut().poll(cx).is_ready() {
            self.expired = true;
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body did not arrive in time",
            )))));
        }
        Poll::Pending
    }
}

/// Whether the request says it has a body at all.
fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0")
}

/// Whether a request's body was read to its end (see [`close_if_unread`]).
#[derive(Clone, Default)]
pub struct BodyRead(Option<Rc<Cell<bool>>>);

/// Puts the body under a deadline of `secs` from now.
pub fn limit_time(req: &mut ServiceRequest, secs: u64) -> BodyRead {
    if !has_body(req) {
        return BodyRead(None);
    }
    let complete = Rc::new(Cell::new(false));
    let inner = req.take_payload();
    let stream: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(Deadline {
        inner,
        sleep: Box::pin(tokio::time::sleep(Duration::from_secs(secs))),
        expired: false,
        complete: complete.clone(),
    });
    req.set_payload(Payload::from(stream));
    BodyRead(Some(complete))
}

/// A response given before the request's body was read to its end (refused early, cut off
/// for slowness) closes the connection: the rest of the body is never waited for.
pub fn close_if_unread(res: &mut actix_web::HttpResponse, read: &BodyRead) {
    if read.0.as_ref().is_some_and(|done| !done.get()) {
        res.head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
    }
}

pub fn is_multipart(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("multipart/"))
}

/// Why a body could not be read.
pub enum BodyError {
    TooLarge,
    TimedOut,
    Broken,
}

/// Reads the whole (non-multipart) body, at most [`FORM_LIMIT`], and puts the same bytes back
/// for the handler.
pub async fn buffer(req: &mut ServiceRequest) -> Result<Bytes, BodyError> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| match e {
            PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                BodyError::TimedOut
            }
            PayloadError::Overflow => BodyError::TooLarge,
            _ => BodyError::Broken,
        })?;
        if body.len() + chunk.len() > FORM_LIMIT {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    req.set_payload(Payload::from(body.clone()));
    Ok(body)
}

/// The values of one field of an urlencoded form.
pub fn field(body: &[u8], name: &str) -> Vec<String> {
    url::form_urlencoded::parse(body)
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// Whether any name or value of an urlencoded text carries a NUL.
pub fn has_nul(encoded: &[u8]) -> bool {
    encoded.contains(&0)
        || url::form_urlencoded::parse(encoded).any(|(k, v)| k.contains('\0') || v.contains('\0'))
}

/// Whether the path or the query string carries a NUL (percent-encoded; a raw one cannot reach
/// us).
pub fn url_has_nul(req: &ServiceRequest) -> bool {
    let path = req.uri().path().to_ascii_lowercase();
    path.contains("%00") || has_nul(req.query_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_however_it_is_written() {
        assert!(has_nul(b"next=%2F%00x"));
        assert!(has_nul(b"a%00=1"));
        assert!(!has_nul(b"next=%2F%0B%2Fx&body=rivi%0D%0Arivi"));
        assert_eq!(field(b"a=1&idempotency_key=xyz&a=2", "a"), vec!["1", "2"]);
    }
}
