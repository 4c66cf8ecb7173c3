//! How an [`AppError`] becomes a response. The body is left empty: the frame renders the
//! error page (with the request id) in the user's language.

use crate::AppError;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::SEE_OTHER,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            // The cause goes to the log only; the page shows the request id.
            tracing::error!(error = ?cause, "internal error");
        }
        let mut res = HttpResponse::build(self.status_code());
        if matches!(self, AppError::Unauthorized) {
            res.insert_header((header::LOCATION, "/login"));
        }
        let mut res = res.finish();
        res.extensions_mut().insert(ErrorDetail(match self {
            AppError::Csrf => "errors.csrf".into(),
            AppError::Invalid(m) | AppError::Conflict(m) => m.clone(),
            _ => String::new(),
        }));
        res
    }
}

/// The message key an error page shows beside its title.
#[derive(Clone, Debug)]
pub struct ErrorDetail(pub String);
