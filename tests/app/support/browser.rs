//! A small in-process browser over the real application (middleware included): it keeps
//! cookies, follows nothing by itself, and fills in the CSRF token as the page's form would.

use actix_web::http::header;
use actix_web::test;
use base64::Engine;
use kirjaamo::web::csrf;
use kirjaamo::AppState;
use std::collections::HashMap;

pub struct Response {
    pub status: u16,
    pub headers: header::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

pub struct Browser {
    pub state: AppState,
    pub cookies: HashMap<String, String>,
    pub extra_headers: Vec<(String, String)>,
    /// Each browser comes from its own address, as separate people would.
    pub peer: std::net::SocketAddr,
}

impl Browser {
    pub async fn new(state: AppState) -> Browser {
        let [a, b] = rand::random::<[u8; 2]>();
        let peer = std::net::SocketAddr::from(([127, 1, a, b.max(1)], 40000));
        Browser {
            state,
            cookies: HashMap::new(),
            extra_headers: Vec::new(),
            peer,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The token a form on a page of this browser would carry.
    pub fn csrf_token(&self) -> String {
        let binding = match self.cookies.get(kirjaamo::accounts::session::COOKIE_NAME) {
            Some(jwt) => {
                let payload = jwt.split('.').nth(1).unwrap_or("");
                let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(payload)
                    .unwrap_or_default();
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
                v["sid"].as_str().unwrap_or("").to_string()
            }
            None => self
                .cookies
                .get(csrf::ANON_COOKIE)
                .cloned()
                .unwrap_or_default(),
        };
        csrf::token_for(&self.state.config.secret, &binding)
    }

    pub async fn send(&mut self, req: test::TestRequest) -> Response {
        let app = test::init_service(
            actix_web::App::new()
                .wrap(actix_web::middleware::from_fn(kirjaamo::web::frame::frame))
                .configure(kirjaamo::app::configure(self.state.clone()))
                .default_service(actix_web::web::to(kirjaamo::web::pages::not_found)),
        )
        .await;
        let mut req = req
            .insert_header((header::COOKIE, self.cookie_header()))
            .peer_addr(self.peer);
        for (k, v) in &self.extra_headers {
            req = req.insert_header((k.as_str(), v.as_str()));
        }
        let res = test::call_service(&app, req.to_request()).await;
        for c in res.response().cookies() {
            if c.value().is_empty() || c.max_age().is_some_and(|a| a.is_zero()) {
                self.cookies.remove(c.name());
            } else {
                self.cookies
                    .insert(c.name().to_string(), c.value().to_string());
            }
        }
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = String::from_utf8_lossy(&test::read_body(res).await).to_string();
        Response {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send(test::TestRequest::get().uri(path)).await
    }

    /// Posts a form with this browser's CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        if self.cookies.is_empty() {
            // A real browser would have loaded the page with the form first.
            self.get("/login").await;
        }
        let token = self.csrf_token();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            test::TestRequest::post()
                .uri(path)
                .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
                .set_payload(body),
        )
        .await
    }
}
