//! Idempotent creating forms, the web side of [`crate::db::idempotency`]. A form that creates
//! something includes `{% include "partials_idempotency.html" %}` (a hidden field with a fresh
//! random key); the frame picks the field out of the body; the handler runs its creation
//! through [`Ctx::create_once`], which returns the answer to give — the first one, on a retry.

use super::ctx::Ctx;
use crate::accounts::rate_limit::hashed;
use crate::db::idempotency::{self, Key};
use crate::db::AnyConnection;
use crate::AppResult;

pub use super::body::IDEMPOTENCY_FIELD as FIELD;

impl Ctx {
    /// The key this request carries for `form`, scoped to the signed-in user (or, signed out, to
    /// this browser), so one person's key means nothing for another.
    pub fn idempotency_key(&self, form: &str) -> Option<Key> {
        let token = self.idempotency_token.as_deref()?;
        let who = match &self.principal {
            Some(p) => format!("user:{}", p.user_id),
            None => format!("browser:{}", hashed(&self.csrf_token)),
        };
        Key::new(form, &who, token)
    }

    /// Runs `create` at most once for this form submission, off the async executor, and returns
    /// its answer (usually the address to redirect to): on a retry of the same form, the answer
    /// the first submission got, with nothing created again. `form` names the form (e.g.
    /// `"thread"`); `create` runs in one transaction with the stored key.
    pub async fn create_once<F>(&self, form: &str, create: F) -> AppResult<String>
    where
        F: FnOnce(&mut AnyConnection) -> AppResult<String> + Send + 'static,
    {
        let key = self.idempotency_key(form);
        let now = self.now();
        self.state
            .db(move |conn| idempotency::once(conn, key.as_ref(), now, create))
            .await
    }
}
