//! Response compression: gzip for text bodies worth it, when the client accepts it. Small
//! answers go as they are (a body that fits in one TCP segment gains nothing and costs CPU);
//! images other than SVG are compressed already. Static assets come precompressed from
//! [`super::assets`] and carry their own `Content-Encoding`, which this leaves alone.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;

/// Bodies smaller than this are sent uncompressed (about one TCP segment).
pub const MIN_SIZE: usize = 1400;
/// gzip level for responses made per request: level 4 gets most of the size (an HTML page to
/// about a fifth) at a fraction of the CPU of level 9. Assets are compressed once, at level 9.
const LEVEL: u32 = 4;

/// Whether the client takes gzip (`Accept-Encoding: gzip`, or `*`, not with `q=0`).
pub fn accepts_gzip(req: &HttpRequest) -> bool {
    let Some(value) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value.split(',').any(|item| {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        !refused && (coding.eq_ignore_ascii_case("gzip") || coding == "*")
    })
}

/// Whether a body of this type is text that compresses.
fn compressible(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim();
    mime.starts_with("text/")
        || matches!(
            mime,
            "application/json" | "application/xml" | "image/svg+xml" | "application/javascript"
        )
}

/// gzip of `data` at `level` (0–9).
pub fn gzip(data: &[u8], level: u32) -> Vec<u8> {
    let mut enc = GzEncoder::new(
        Vec::with_capacity(data.len() / 3 + 64),
        Compression::new(level),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// The response, gzipped when the client accepts it and the body is text of at least
/// [`MIN_SIZE`] bytes held in memory (a streamed body goes as it is).
pub fn maybe_gzip(req: &HttpRequest, response: HttpResponse) -> HttpResponse {
    let status = response.status();
    if req.method() == Method::HEAD
        || matches!(
            status,
            StatusCode::NO_CONTENT | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
        )
        || response.headers().contains_key(header::CONTENT_ENCODING)
        || !response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(compressible)
        || !matches!(response.body().size(), actix_web::body::BodySize::Sized(n) if n as usize >= MIN_SIZE)
        || !accepts_gzip(req)
    {
        return response;
    }
    let (mut response, body) = response.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        Err(body) => return response.set_body(body),
    };
    let packed = gzip(&bytes, LEVEL);
    response
        .headers_mut()
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response.set_body(BoxBody::new(packed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn accept_encoding_is_read_as_clients_write_it() {
        let with = |v: &str| {
            accepts_gzip(
                &TestRequest::default()
                    .insert_header((header::ACCEPT_ENCODING, v))
                    .to_http_request(),
            )
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(with("*"));
        assert!(!with("br"));
        assert!(!with("gzip;q=0"));
        assert!(!with("identity"));
        assert!(!accepts_gzip(&TestRequest::default().to_http_request()));
    }

    #[test]
    fn only_text_worth_it_is_compressed() {
        let req = TestRequest::default()
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
            .to_http_request();
        let page = "<p>Kirjaaminen on asiakastyön ydintä.</p>\n".repeat(100);
        let res = maybe_gzip(
            &req,
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(page.clone()),
        );
        assert_eq!(res.headers().get(header::CONTENT_ENCODING).unwrap(), "gzip");
        let packed = res.into_body().try_into_bytes().unwrap();
        assert!(packed.len() < page.len() / 5, "{} bytes", packed.len());
        let mut unpacked = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&packed[..]),
            &mut unpacked,
        )
        .unwrap();
        assert_eq!(unpacked, page);

        let small = maybe_gzip(
            &req,
            HttpResponse::Ok()
                .content_type("text/html")
                .body("<p>pieni</p>"),
        );
        assert!(small.headers().get(header::CONTENT_ENCODING).is_none());
        let png = maybe_gzip(
            &req,
            HttpResponse::Ok()
                .content_type("image/png")
                .body(vec![0u8; 4000]),
        );
        assert!(png.headers().get(header::CONTENT_ENCODING).is_none());
    }
}
