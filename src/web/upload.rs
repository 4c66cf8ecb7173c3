//! Reading one uploaded file from a multipart form with a size limit. A file over the limit
//! is read to the end and dropped (so the browser gets the answer, not a broken connection),
//! and the form comes back naming the limit.

use crate::i18n::{format, Lang};
use actix_web::http::StatusCode;
use futures_util::StreamExt;

/// Past this much, an upload is no longer drained: the connection is dropped instead.
const DRAIN_MAX: usize = 64 * 1024 * 1024;

/// Why no file came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadProblem {
    TooLarge,
    Failed,
}

impl UploadProblem {
    /// The message key; its text names the limit as `{limit}`.
    pub fn key(self) -> &'static str {
        match self {
            UploadProblem::TooLarge => "upload.too_large",
            UploadProblem::Failed => "upload.failed",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            UploadProblem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UploadProblem::Failed => StatusCode::BAD_REQUEST,
        }
    }
}

/// The bytes of the field `name` (other fields are skipped), at most `limit` of them.
pub async fn read_file(
    payload: &mut actix_multipart::Multipart,
    name: &str,
    limit: usize,
) -> Result<Vec<u8>, UploadProblem> {
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    let mut too_large = false;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| UploadProblem::Failed)?;
        let is_file = field.content_disposition().and_then(|d| d.get_name()) == Some(name);
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| UploadProblem::Failed)?;
            seen += chunk.len();
            if seen > DRAIN_MAX {
                return Err(UploadProblem::TooLarge);
            }
            if is_file && !too_large {
                if bytes.len() + chunk.len() > limit {
                    too_large = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&chunk);
                }
            }
        }
    }
    if too_large {
        Err(UploadProblem::TooLarge)
    } else {
        Ok(bytes)
    }
}

/// A size as people read it: "512 kt" / "512 kB", "1 Mt" / "1 MB".
pub fn limit_text(lang: Lang, bytes: usize) -> String {
    let (value, unit_fi, unit) = if bytes >= 1024 * 1024 {
        (bytes as f64 / (1024.0 * 1024.0), "Mt", "MB")
    } else {
        (bytes as f64 / 1024.0, "kt", "kB")
    };
    let places = if value.fract() == 0.0 { 0 } else { 1 };
    let n = format::decimal(lang, value, places);
    match lang {
        Lang::Fi => format!("{n}\u{a0}{unit_fi}"),
        Lang::Sv | Lang::En => format!("{n}\u{a0}{unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_people_write_them() {
        assert_eq!(limit_text(Lang::Fi, 512 * 1024), "512\u{a0}kt");
        assert_eq!(limit_text(Lang::Sv, 1024 * 1024), "1\u{a0}MB");
        assert_eq!(limit_text(Lang::Fi, 1536 * 1024), "1,5\u{a0}Mt");
    }
}
