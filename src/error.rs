//! Errors: `QueryResult` in models, [`AppResult`] in contexts and the web layer, `anyhow` in
//! the command line and background jobs. A 500 is logged with its cause and shown to the user
//! as a plain page with the request id; nothing internal reaches the page.

use thiserror::Error;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, Error)]
pub enum AppError {
    /// Not signed in: the web layer redirects to the login page.
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The CSRF token was missing or foreign.
    #[error("the form has expired")]
    Csrf,
    #[error("too many attempts")]
    TooManyRequests,
    /// Input the user can correct; the message is a translation key or plain text for the user.
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            // PostgreSQL cannot store a NUL in text: bad input a form let through, not a fault.
            diesel::result::Error::DatabaseError(_, ref info)
                if info.message().contains("invalid byte sequence")
                    && info.message().contains("0x00") =>
            {
                AppError::invalid("errors.odd_bytes")
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Internal(anyhow::anyhow!("database pool: {e}"))
    }
}

impl AppError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        AppError::Invalid(msg.into())
    }
}
