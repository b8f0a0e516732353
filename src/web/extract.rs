//! Extractors whose rejections become our Danish error pages instead of plain-text replies.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A url-encoded form; repeated keys (checkboxes) deserialize into `Vec`s.
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum_extra::extract::Form::<T>::from_request(req, state)
            .await
            .map(|f| Form(f.0))
            .map_err(|_| AppError::BadRequest)
    }
}

/// A query string; anything malformed is a 400 page, not a 500.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum_extra::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|_| AppError::BadRequest)
    }
}

/// A path segment that must be a uuid; anything else is simply not found.
pub fn parse_id<T>(raw: &str, make: fn(uuid::Uuid) -> T) -> Result<T, AppError> {
    uuid::Uuid::parse_str(raw)
        .map(make)
        .map_err(|_| AppError::NotFound)
}
