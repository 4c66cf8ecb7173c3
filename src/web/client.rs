//! The client's address as the limits see it: the peer, or — only when the peer is one of
//! `KIRJAAMO_TRUSTED_PROXIES` — the address the proxies recorded (`crate::net`). Never
//! actix's `realip_remote_addr`, which believes any client's header.

use crate::AppState;
use actix_web::http::header;
use actix_web::HttpRequest;
use std::net::IpAddr;

pub fn client_address(req: &HttpRequest, state: &AppState) -> Option<IpAddr> {
    let values = |name: header::HeaderName| -> Vec<&str> {
        req.headers()
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .collect()
    };
    crate::net::client_address(
        req.peer_addr().map(|a| a.ip()),
        &state.config.trusted_proxies,
        &values(header::FORWARDED),
        &values(header::HeaderName::from_static("x-forwarded-for")),
    )
}

/// The key per-address limits count this request's client under.
pub fn address_key(req: &HttpRequest, state: &AppState) -> String {
    crate::net::address_key(client_address(req, state))
}
