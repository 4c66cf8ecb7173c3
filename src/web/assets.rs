//! Static assets (CSS, scripts, icons), embedded in the binary and served under content-hashed
//! names (`css/site.3f2a9c1b0d.css`, made by [`crate::templates::AssetManifest`]): a hashed
//! name never changes its content, so it is cached for a year as immutable. The plain name
//! still answers, revalidated by its ETag. Text assets are gzipped once, at the best level,
//! the first time any asset is asked for, and sent so to clients that accept it.

use super::compress;
use crate::templates::AssetFiles;
use crate::{AppError, AppResult, AppState};
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes, Data};
use actix_web::{HttpRequest, HttpResponse};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One asset as it is sent.
struct Packed {
    mime: &'static str,
    /// `W/"<hash>"`, the hash the hashed name carries (weak: the gzipped and the plain body
    /// are the same asset).
    etag: HeaderValue,
    plain: Bytes,
    /// Present when gzip makes it smaller.
    gzip: Option<Bytes>,
}

fn mime_of(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Every embedded asset by its plain name, read and compressed once.
fn packed() -> &'static HashMap<String, Packed> {
    static PACKED: OnceLock<HashMap<String, Packed>> = OnceLock::new();
    PACKED.get_or_init(|| {
        AssetFiles::iter()
            .filter_map(|name| {
                let file = AssetFiles::get(&name)?;
                let mime = mime_of(&name);
                let plain = Bytes::from(file.data.into_owned());
                let text = mime.starts_with("text/") || mime == "image/svg+xml";
                let gzip = (text && plain.len() >= compress::MIN_SIZE)
                    .then(|| compress::gzip(&plain, 9))
                    .filter(|g| g.len() < plain.len())
                    .map(Bytes::from);
                let etag = format!("W/\"{}\"", hex::encode(&file.metadata.sha256_hash()[..5]));
                Some((
                    name.to_string(),
                    Packed {
                        mime,
                        etag: HeaderValue::from_str(&etag).ok()?,
                        plain,
                        gzip,
                    },
                ))
            })
            .collect()
    })
}

/// Static files by their hashed name (cached for a year) or plain name (revalidated).
pub async fn asset(
    req: HttpRequest,
    state: Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let requested = path.into_inner();
    let (name, hashed) = match state.templates.assets.by_hashed.get(&requested) {
        Some(name) => (name.as_str(), true),
        None => (requested.as_str(), false),
    };
    let file = packed().get(name).ok_or(AppError::NotFound)?;
    let cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    };
    let mut res = if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v == file.etag)
    {
        HttpResponse::NotModified().finish()
    } else {
        match &file.gzip {
            Some(gz) if compress::accepts_gzip(&req) => HttpResponse::Ok()
                .content_type(file.mime)
                .insert_header((header::CONTENT_ENCODING, "gzip"))
                .body(gz.clone()),
            _ => HttpResponse::Ok()
                .content_type(file.mime)
                .body(file.plain.clone()),
        }
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, file.etag.clone());
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(res)
}
