//! Errors as HTTP responses: the core contract's [`ErrorObject`] (kind, file, line, field,
//! message), plus the engine's field-level findings when a submission is refused.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tuanthu::api::{ErrorKind, ErrorObject};
use tuanthu::model::Finding;

use crate::db::DbError;

/// An error response: status, the contract's error object, and findings when the engine refused.
#[derive(Debug)]
pub struct HttpError {
    pub status: StatusCode,
    /// Boxed: errors travel by value through every handler's `Result`.
    pub error: Box<ErrorObject>,
    pub findings: Vec<Finding>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(flatten)]
    error: &'a ErrorObject,
    #[serde(skip_serializing_if = "<[Finding]>::is_empty")]
    findings: &'a [Finding],
}

impl HttpError {
    pub fn new(status: StatusCode, kind: ErrorKind, message: impl Into<String>) -> Self {
        HttpError {
            status,
            error: Box::new(ErrorObject::new(kind, message)),
            findings: Vec::new(),
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::BAD_REQUEST, ErrorKind::Input, message)
    }

    /// 422: well formed, but the engine would not count it.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Evaluation,
            message,
        )
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::NOT_FOUND, ErrorKind::Usage, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::UNAUTHORIZED, ErrorKind::Usage, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::FORBIDDEN, ErrorKind::Usage, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::CONFLICT, ErrorKind::Usage, message)
    }

    pub fn unsupported_media(message: impl Into<String>) -> Self {
        HttpError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::Input,
            message,
        )
    }

    pub fn internal(message: impl Into<String>) -> Self {
        HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Evaluation,
            message,
        )
    }

    /// The same error with a located contract error object (file, line, field).
    pub fn with_object(mut self, error: ErrorObject) -> Self {
        self.error = Box::new(error);
        self
    }

    pub fn with_findings(mut self, findings: Vec<Finding>) -> Self {
        self.findings = findings;
        self
    }

    /// The JSON body, as sent.
    pub fn body_json(&self) -> String {
        serde_json::to_string(&Body {
            error: &self.error,
            findings: &self.findings,
        })
        .unwrap_or_else(|e| format!("{{\"kind\":\"usage\",\"message\":\"{e}\"}}"))
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let body = Body {
            error: &self.error,
            findings: &self.findings,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<DbError> for HttpError {
    fn from(e: DbError) -> Self {
        tracing::error!(error = %e, "storage failure");
        HttpError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Evaluation,
            format!("storage unavailable: {e}"),
        )
    }
}

/// `axum::extract::Query`, but a query string that does not parse (`revision=abc`, a missing
/// field) is a 400 with the contract's error object, like every other bad input, instead of
/// axum's plain-text rejection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|e| {
                let mut err = HttpError::bad_request(format!(
                    "{} (query string: {:?})",
                    e.body_text(),
                    parts.uri.query().unwrap_or_default()
                ));
                err.error.file = Some("<query string>".into());
                err
            })
    }
}
